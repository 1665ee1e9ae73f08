//! `esmtp-playground lint`: the analysis on the command line. Prints the annotated
//! transcript and the findings (or the analysis as JSON); the exit code says whether
//! an error was found. Native only: it reads files and standard input.

use std::io::Read;
use std::path::Path;

use super::{analyze, Analysis, Options, Severity, MAX_INPUT};

/// Exit code when no finding is an error.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code when at least one finding is an error.
pub const EXIT_ERRORS: u8 = 1;
/// Exit code when the input cannot be read or analysed.
pub const EXIT_UNUSABLE: u8 = 2;

/// What `lint` prints and returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintReport {
    /// Standard output.
    pub stdout: String,
    /// One line for standard error, when the input is unusable.
    pub error: Option<String>,
    /// The process exit code.
    pub exit_code: u8,
}

/// Runs `lint` on `path` (`-` for standard input).
pub fn lint(path: &Path, options: &Options, json: bool) -> LintReport {
    let input = match read_input(path) {
        Ok(input) => input,
        Err(problem) => return unusable(problem),
    };
    match analyze(&input, options) {
        Ok(analysis) => LintReport {
            stdout: if json {
                to_json(&analysis)
            } else {
                annotated(&analysis)
            },
            error: None,
            exit_code: if analysis.has_errors() {
                EXIT_ERRORS
            } else {
                EXIT_CLEAN
            },
        },
        Err(error) => unusable(error.to_string()),
    }
}

fn unusable(problem: String) -> LintReport {
    LintReport {
        stdout: String::new(),
        error: Some(problem),
        exit_code: EXIT_UNUSABLE,
    }
}

/// Reads at most one octet more than [`MAX_INPUT`], so a huge paste costs bounded
/// memory and the analysis can still say it was cut.
fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    let limit = u64::try_from(MAX_INPUT)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut input = Vec::new();
    let result = if path == Path::new("-") {
        std::io::stdin().lock().take(limit).read_to_end(&mut input)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(limit).read_to_end(&mut input))
    };
    result.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(input)
}

fn to_json(analysis: &Analysis) -> String {
    let mut text = serde_json::to_string_pretty(analysis).unwrap_or_default();
    text.push('\n');
    text
}

/// The transcript with each finding under its line, then a summary.
fn annotated(analysis: &Analysis) -> String {
    let mut out = format!("format: {}\n", analysis.format);
    out.push_str(&connection_list(analysis));
    let mut findings = analysis.findings.iter().peekable();
    for (index, line) in analysis.lines.iter().enumerate() {
        let side = match line.side {
            super::line::Side::Client => "C:",
            super::line::Side::Server => "S:",
        };
        out.push_str(&format!("{:>5} {side} {}\n", line.n, printable(&line.text)));
        let last_of_its_input_line = analysis
            .lines
            .get(index + 1)
            .is_none_or(|next| next.n != line.n);
        if last_of_its_input_line {
            while let Some(finding) = findings.next_if(|f| f.line <= line.n) {
                out.push_str(&finding_line(finding));
            }
        }
    }
    for finding in findings {
        out.push_str(&finding_line(finding));
    }
    let count = |severity| {
        analysis
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    out.push_str(&format!(
        "\n{} error(s), {} warning(s), {} note(s)\n",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note)
    ));
    out
}

/// For a capture with several TCP connections, one line each, the shown one marked, so
/// `--connection N` can pick another.
fn connection_list(analysis: &Analysis) -> String {
    if analysis.connections.len() < 2 {
        return String::new();
    }
    let mut out = String::from("connections (choose one with --connection N):\n");
    for connection in &analysis.connections {
        let shown = if Some(connection.index) == analysis.connection {
            "  <- shown"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {:>3}  {} -> {}, {} packets{shown}\n",
            connection.index, connection.client, connection.server, connection.packets
        ));
    }
    out
}

fn finding_line(finding: &super::Finding) -> String {
    format!(
        "      ^ {} ({}): {}\n",
        finding.severity, finding.rfc, finding.message
    )
}

/// The text with control characters escaped, so a NUL or bare CR shows and cannot
/// move the terminal's cursor.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}
