/// Who a request runs as, after token verification.
enum Caller: Sendable, Equatable {
    case anonymous
    /// A user authenticated by a login token or an API key.
    case user(kuid: String, token: String, isAPIKey: Bool)

    /// The kuid (`-1` for anonymous).
    var kuid: String {
        switch self {
        case .anonymous: "-1"
        case .user(let kuid, _, _): kuid
        }
    }
}

/// Server-side token records, the stand-in's Redis (TOK). Not thread-safe: ``StandInState`` locks it.
struct TokenStore: Sendable {
    struct Record: Sendable {
        var kuid: String
        /// Epoch ms; `nil` = never expires.
        var expiresAt: Int64?
        var isAPIKey: Bool
        /// Set by a refresh: the token dies at this epoch ms (grace period).
        var invalidAfter: Int64?
        var ttl: Int64
    }

    private var records: [String: Record] = [:]
    private var apiKeyIDs: [String: String] = [:]

    /// Registers configured API key tokens.
    mutating func registerAPIKeys(_ keys: [String: String]) {
        for (token, kuid) in keys {
            records[token] = Record(kuid: kuid, expiresAt: nil, isAPIKey: true, invalidAfter: nil, ttl: -1)
        }
    }

    /// Verifies a bearer token at `now` (TOK `verifyToken`).
    func verify(_ token: String, now: Int64) -> Result<Caller, KuzzleErrorReply> {
        guard let record = records[token] else { return .failure(.tokenInvalid) }
        if let invalidAfter = record.invalidAfter, now > invalidAfter { return .failure(.tokenInvalid) }
        if let expiresAt = record.expiresAt, now >= expiresAt { return .failure(.tokenExpired) }
        return .success(.user(kuid: record.kuid, token: token, isAPIKey: record.isAPIKey))
    }

    /// The record of a token.
    func record(_ token: String) -> Record? { records[token] }

    /// Issues a login token; `ttl` in ms, -1 for never. Same user + same second + same ttl → same token (JWT).
    mutating func issueToken(kuid: String, ttl: Int64, now: Int64, prefix: String = "kauth-") -> (String, Record) {
        let issuedAt = now / 1000
        let expiresAt: Int64? = ttl < 0 ? nil : now + ttl
        let payload = "{\"_id\":\"\(kuid)\",\"iat\":\(issuedAt)\(expiresAt.map { ",\"exp\":\($0 / 1000)" } ?? "")}"
        let token = prefix + PseudoJWT.make(payload: payload)
        let record = Record(kuid: kuid, expiresAt: expiresAt, isAPIKey: prefix == "kapikey-", invalidAfter: nil, ttl: ttl)
        records[token] = record
        return (token, record)
    }

    /// Marks a refreshed token to die after the grace period.
    mutating func retire(_ token: String, after graceMilliseconds: Int64, now: Int64) {
        records[token]?.invalidAfter = now + graceMilliseconds
    }

    /// Forgets a token (logout).
    mutating func revoke(_ token: String) { records.removeValue(forKey: token) }

    /// Remembers an API key id → token, for `DELETE /api-keys/{id}`.
    mutating func nameAPIKey(id: String, token: String) { apiKeyIDs[id] = token }

    /// Deletes an API key by id; `false` if unknown.
    mutating func deleteAPIKey(id: String) -> Bool {
        guard let token = apiKeyIDs.removeValue(forKey: id) else { return false }
        records.removeValue(forKey: token)
        return true
    }
}

/// Builds JWT-shaped tokens (`header.payload.signature`, base64url) with a deterministic signature.
enum PseudoJWT {
    private static let header = #"{"alg":"HS256","typ":"JWT"}"#

    /// A token for `payload`; equal payloads give equal tokens, like HS256 with one secret.
    static func make(payload: String) -> String {
        let signingInput = base64URL(Array(header.utf8)) + "." + base64URL(Array(payload.utf8))
        var signature: [UInt8] = []
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for round in 0..<4 {
            for byte in signingInput.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
            hash ^= UInt64(round)
            withUnsafeBytes(of: hash.bigEndian) { signature.append(contentsOf: $0) }
        }
        return signingInput + "." + base64URL(signature)
    }

    /// Base64url without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            let characters = chunk.count + 1
            for position in 0..<characters {
                output.append(alphabet[Int((value >> (18 - 6 * position)) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
