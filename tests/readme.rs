//! The README's curl examples work as written: each is run with bash against the
//! real binary serving on a loopback port.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_server() -> (Server, u16) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--workers",
            "2",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start listening");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

/// Every shell command in the README's `sh` blocks that calls curl, joined across
/// backslash continuations and pipes.
fn curl_commands() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut commands = Vec::new();
    let mut in_sh = false;
    let mut current = String::new();
    for line in BufReader::new(readme.as_bytes()).lines() {
        let line = line.unwrap();
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh || line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        current.push_str(&line);
        current.push('\n');
        let continues = line.ends_with('\\') || line.ends_with('|');
        if !continues {
            if current.contains("curl ") {
                commands.push(std::mem::take(&mut current));
            } else {
                current.clear();
            }
        }
    }
    commands
}

#[test]
fn the_readme_curl_examples_work_as_written() {
    let commands = curl_commands();
    assert!(
        commands.len() >= 10,
        "found only {} curl examples",
        commands.len()
    );
    let (_server, port) = start_server();
    for command in commands {
        let command = command.replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"));
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("set -o pipefail; {command}"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{command}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!stdout.trim().is_empty(), "{command} printed nothing");
        // A problem document, or a batch line carrying one, means the example is wrong.
        assert!(
            !stdout
                .trim_start()
                .starts_with("{\"type\":\"urn:rolemark:problem"),
            "{command}\n{stdout}"
        );
        assert!(
            !stdout.contains("\"error\":{\"type\""),
            "{command}\n{stdout}"
        );
    }
}
