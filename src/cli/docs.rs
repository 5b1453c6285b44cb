//! `lede completions` and `lede man`: shell completions and manual pages, generated from the
//! same clap definitions as `--help`, so that they always list the real options.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Outcome};

const COMPLETION_EXAMPLES: &str = "\
Examples:
  lede completions bash > ~/.local/share/bash-completion/completions/lede
  lede completions zsh > ~/.zfunc/_lede          (with fpath+=~/.zfunc in ~/.zshrc)
  lede completions fish > ~/.config/fish/completions/lede.fish";

const MAN_EXAMPLES: &str = "\
Examples:
  lede man | man -l -                      read the manual now
  lede man > ~/.local/share/man/man1/lede.1
  lede man query > ~/.local/share/man/man1/lede-query.1";

/// Arguments of `lede completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = COMPLETION_EXAMPLES)]
pub struct CompletionArgs {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

/// Arguments of `lede man`.
#[derive(Debug, clap::Args)]
#[command(after_help = MAN_EXAMPLES)]
pub struct ManArgs {
    /// The command whose page to print (lede-COMMAND(1)) [default: lede(1)]
    #[arg(value_name = "COMMAND")]
    command: Option<String>,
}

/// Runs `lede completions`: the completion script on standard output.
pub fn completions(args: CompletionArgs) -> anyhow::Result<Outcome> {
    // clap_complete panics when its writer fails: write into memory, then to standard
    // output, so that `lede completions bash | head` ends quietly on the closed pipe.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "lede", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Outcome::Done)
}

/// Runs `lede man`: a manual page in roff on standard output.
pub fn man(args: ManArgs) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    out.write_all(&man_page(args.command.as_deref())?)?;
    out.flush()?;
    Ok(Outcome::Done)
}

/// The roff of lede(1), or of lede-COMMAND(1).
fn man_page(command: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    // Building gives subcommands their global options and names such as `lede-ingest`.
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => cli
            .find_subcommand(name)
            .filter(|sub| !sub.is_hide_set())
            .cloned()
            .ok_or_else(|| {
                let names: Vec<&str> = visible_commands(&cli).collect();
                anyhow::anyhow!(
                    "lede man {name:?}: no such command; use one of {}",
                    names.join(", ")
                )
            })?,
    };
    let mut roff = Vec::new();
    // A command page's default footer would read "ingest " (its name and no version).
    clap_mangen::Man::new(page)
        .source(format!("lede {}", env!("CARGO_PKG_VERSION")))
        .manual("lede manual")
        .render(&mut roff)?;
    Ok(roff)
}

/// Names of the commands users see in `lede --help`.
fn visible_commands(cli: &clap::Command) -> impl Iterator<Item = &str> {
    cli.get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .map(|sub| sub.get_name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_page_lists_every_command_and_a_command_page_its_options() {
        let main = String::from_utf8(man_page(None).unwrap()).unwrap();
        assert!(main.starts_with(".ie \\n(.g .ds Aq"), "roff: {main:.80}");
        for command in [
            "ingest",
            "query",
            "facets",
            "extract",
            "stats",
            "completions",
        ] {
            assert!(main.contains(command), "{command} missing");
        }
        let query = String::from_utf8(man_page(Some("query")).unwrap()).unwrap();
        assert!(query.contains("lede\\-query"), "{query:.300}");
        assert!(query.contains("\\-\\-country"), "{query}");
        assert!(
            query.contains("\\-\\-index"),
            "global options reach subcommands"
        );
    }

    #[test]
    fn the_clap_definitions_are_consistent() {
        // Catches conflicting names, bad defaults and the like before a user meets them.
        Cli::command().debug_assert();
    }

    #[test]
    fn an_unknown_command_names_the_real_ones() {
        let error = man_page(Some("serch")).unwrap_err().to_string();
        assert!(error.contains("\"serch\""), "{error}");
        assert!(error.contains("ingest, query, facets"), "{error}");
    }
}
