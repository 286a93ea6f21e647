//! `completions`: a shell completion script, from the command-line definition.

use clap::CommandFactory;

use crate::error::Result;

use super::Cli;

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The completion script for `shell`.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ssl-equilibria", &mut out);
    out
}

/// Runs `completions`: the script goes to stdout.
pub fn run(a: CompletionsArgs) -> Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&script(a.shell));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap_complete::Shell;

    #[test]
    fn scripts_name_every_subcommand() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = String::from_utf8(script(shell)).unwrap();
            for sub in Cli::command().get_subcommands() {
                assert!(
                    text.contains(sub.get_name()),
                    "{shell}: no {} in the script",
                    sub.get_name()
                );
            }
            assert!(text.contains("proof-dimension"), "{shell}");
        }
    }
}
