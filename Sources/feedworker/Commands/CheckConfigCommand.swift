import ArgumentParser
import Config
import Foundation

/// `feedworker check-config`: validates the configuration and prints the effective values.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration file and environment overrides; print the effective configuration.",
        discussion: "Exit status 0 when valid; 2 with the offending key and line on stderr otherwise."
    )

    @Option(name: .long, help: "The TOML configuration file ($FEEDWORKER_CONFIG, else Config/feedworker.toml).")
    var config: String?

    func run() async throws {
        let path = config ?? ProcessInfo.processInfo.environment["FEEDWORKER_CONFIG"] ?? "Config/feedworker.toml"
        let effective = try loadConfigOrExit(path)
        print("# effective configuration: \(path) + FEEDWORKER_* environment")
        print(effective.rendered(), terminator: "")
    }
}

/// Loads the configuration, or prints the error to stderr and exits with status 2.
func loadConfigOrExit(_ path: String) throws -> FeedworkerConfig {
    do {
        return try FeedworkerConfig.load(path: path, environment: ProcessInfo.processInfo.environment)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(2)
    }
}
