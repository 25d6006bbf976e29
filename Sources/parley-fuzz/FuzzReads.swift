/// An input cut into pieces as reads from a socket or a terminal would deliver it: each piece's length, from
/// 1 to `longest`, taken from the byte it starts with, so the fuzzer steers where the cuts fall.
func fuzzReads(_ bytes: [UInt8], longest: Int) -> [ArraySlice<UInt8>] {
    var reads: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + 1 + Int(bytes[start]) % longest)
        reads.append(bytes[start..<end])
        start = end
    }
    return reads
}
