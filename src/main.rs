//! Command-line front end of `ssl-equilibria`.

use clap::Parser;

fn main() {
    let cli = ssl_equilibria::cli::Cli::parse();
    std::process::exit(ssl_equilibria::cli::run(cli));
}
