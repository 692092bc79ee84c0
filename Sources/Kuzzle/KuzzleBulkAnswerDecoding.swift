import JSONScan
import NIOCore

/// Entry points into the client's answer decoding for the micro benchmarks in `Benchmarks/` (not an API: the SPI
/// keeps it out of ordinary imports).
@_spi(Benchmarks)
public enum KuzzleBulkAnswerDecoding {
    /// Decodes a 2xx bulk answer body exactly as ``KuzzleClient`` does after a strict bulk request: the envelope is
    /// scanned, `result.errors` read, `result.successes` skipped, and the failures mapped to one outcome per
    /// operation sent.
    ///
    /// - Returns: `nil` when the body is unreadable or a failure names no operation sent (the client then throws).
    public static func outcomes(
        ofSuccessAnswer body: ByteBuffer,
        route: KuzzleBulkRoute,
        sent: [KuzzleBulkOperation]
    ) -> [KuzzleDocumentOutcome]? {
        let parsed = body.withUnsafeReadableBytes { bytes in
            try? KuzzleAnswer.parse(bytes) { (scanner) throws(JSONScanError) in
                try KuzzleBulkAnswerResult.parse(&scanner)
            }
        }
        guard let parsed else { return nil }
        return try? KuzzleBulkOutcomeMapper(route: route).outcomes(for: sent, failures: parsed.result?.failures ?? [])
    }
}
