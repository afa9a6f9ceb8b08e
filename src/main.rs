fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    std::process::ExitCode::from(rolemark::cli::run(std::env::args_os()))
}
