//! `instances`: the built-in instances, or one as an instance file.

use crate::error::Result;
use crate::model;

use super::common::instance_toml;

/// Arguments of `instances`.
#[derive(Debug, clap::Args)]
pub struct InstancesArgs {
    /// Print this instance (built-in or file) as a TOML instance file.
    #[arg(long, value_name = "NAME|FILE")]
    pub show: Option<String>,
}

/// Runs `instances`.
pub fn run(a: InstancesArgs) -> Result<()> {
    match a.show {
        Some(name) => {
            let inst = model::resolve_instance(&name)?;
            print!("{}", instance_toml(&inst)?);
        }
        None => {
            for inst in model::builtin_instances() {
                println!(
                    "{:<12} n={} m={} λ={}",
                    inst.name(),
                    inst.n(),
                    inst.m(),
                    inst.lambda()
                );
            }
        }
    }
    Ok(())
}
