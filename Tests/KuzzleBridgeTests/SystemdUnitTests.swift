import Foundation
import TestSupport
import Testing

/// `deploy/kuzzle-bridge.service` passes `systemd-analyze verify` with its binary paths pointed at the built daemon.
@Suite struct SystemdUnitTests {
    private static let analyzer = "/usr/bin/systemd-analyze"

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: analyzer),
            "systemd-analyze is not installed (scripts/setup.sh installs systemd)"
        )
    )
    func theServiceUnitPassesSystemdAnalyzeVerify() throws {
        let analyzer = Self.analyzer
        let binary = try bridgeBinaryPath()
        let unit = try String(
            contentsOf: repositoryRoot.appendingPathComponent("deploy/kuzzle-bridge.service"),
            encoding: .utf8
        )
        let patched = unit.replacingOccurrences(of: "/usr/local/bin/kuzzle-bridge", with: binary)
        #expect(patched != unit, "the unit no longer names /usr/local/bin/kuzzle-bridge")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kb-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("kuzzle-bridge.service")
        try patched.write(to: path, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyzer)
        process.arguments = ["verify", "--man=no", path.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "systemd-analyze verify failed:\n\(output)")
        // Warnings about the unit itself (unknown keys, bad values) also fail; messages about other units do not.
        let aboutOurUnit = output.split(separator: "\n").filter { $0.contains("kuzzle-bridge.service") }
        #expect(aboutOurUnit.isEmpty, "systemd-analyze complained:\n\(output)")
    }
}
