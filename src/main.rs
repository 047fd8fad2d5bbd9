fn main() -> std::process::ExitCode {
    exo::main(std::env::args_os())
}
