import Foundation

/// A structural check of PEM files (the bridge does not link OpenSSL): `-----BEGIN X-----` / `-----END X-----` pairs
/// around valid base64, and the kind of block expected.
enum PEMFile {
    /// What a file must hold.
    enum Content {
        /// At least one `CERTIFICATE` block.
        case certificate
        /// A private key block (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`).
        case privateKey
    }

    /// Why `text` is not a PEM file holding `expected`, or `nil` when it is. Never quotes the file's content.
    static func problem(in text: String, expecting expected: Content) -> String? {
        let blocks: [String]
        switch parse(text) {
        case .failure(let problem): return problem
        case .success(let labels): blocks = labels
        }
        switch expected {
        case .certificate:
            return blocks.contains("CERTIFICATE") ? nil : "the file holds no PEM certificate (BEGIN CERTIFICATE)"
        case .privateKey:
            return blocks.contains { $0.hasSuffix("PRIVATE KEY") }
                ? nil : "the file holds no PEM private key (BEGIN PRIVATE KEY)"
        }
    }

    /// Whether `text` holds an encrypted private key (PKCS#8 `ENCRYPTED PRIVATE KEY` or a legacy `Proc-Type:
    /// 4,ENCRYPTED` header).
    static func isEncryptedKey(_ text: String) -> Bool {
        text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")
    }

    /// The outcome of parsing a file's structure.
    private enum Parsed {
        /// The labels of the blocks, in order.
        case success([String])
        /// Why the structure is broken.
        case failure(String)
    }

    /// The labels of the file's blocks, in order, or why the structure is broken (naming the line number only).
    private static func parse(_ text: String) -> Parsed {
        var labels: [String] = []
        var open: (label: String, line: Int)?
        var body = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingWhitespace()
            let number = index + 1
            if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                guard open == nil else { return .failure("line \(number): BEGIN inside another block") }
                open = (String(line.dropFirst(11).dropLast(5)), number)
                body = ""
            } else if line.hasPrefix("-----END "), line.hasSuffix("-----") {
                let label = String(line.dropFirst(9).dropLast(5))
                guard let current = open, current.label == label else {
                    return .failure("line \(number): END \(label) without its BEGIN")
                }
                guard !body.isEmpty, Data(base64Encoded: body) != nil else {
                    return .failure("the \(label) block at line \(current.line) is not valid base64")
                }
                labels.append(label)
                open = nil
            } else if open != nil, !line.isEmpty, !line.contains(":") {
                body += line
            }
        }
        if let open { return .failure("the \(open.label) block at line \(open.line) has no END line") }
        if labels.isEmpty { return .failure("the file holds no PEM block (-----BEGIN …-----)") }
        return .success(labels)
    }
}
