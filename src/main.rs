fn main() -> std::process::ExitCode {
    env_logger::init();
    std::process::ExitCode::from(rolemark::cli::run(std::env::args_os()))
}
