//! Running the real `rolemark` binary, for the command-line tests.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs the binary from the temporary directory, so no test leans on the
/// working directory being the repository.
pub fn rolemark(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("binary runs")
}

/// Runs the binary with `input` on its standard input.
pub fn rolemark_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Writes `content` to `name` in a directory of this test process's own.
pub fn temp_file(name: &str, content: impl AsRef<[u8]>) -> String {
    let dir = std::env::temp_dir().join(format!("rolemark-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}
