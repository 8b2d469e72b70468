/// The incremental validator, exposed for differential fuzzing: validates `bytes` split at the
/// given offsets and says whether the whole is complete, valid UTF-8.
public enum UTF8Validation {
    public static func isValid(_ bytes: [UInt8], splitAt cuts: [Int]) -> Bool {
        var validator = UTF8Validator()
        var start = 0
        for cut in (cuts.map { min(max($0, 0), bytes.count) } + [bytes.count]).sorted() where cut >= start {
            let ok = bytes.withUnsafeBytes { buf in
                cut == start ? true : validator.validate(buf.baseAddress! + start, count: cut - start)
            }
            if !ok { return false }
            start = cut
        }
        return validator.isComplete
    }
}
