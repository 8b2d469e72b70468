/// Entry points for the fuzz targets (Sources/Fuzz) into internal decoders.
public enum FuzzingEntryPoints {
    /// "ok:<type>" or "error:<code>".
    public static func decodeClientMessage(_ bytes: UnsafeRawBufferPointer) -> String {
        do {
            return "ok:" + (try ClientMessage.decode(bytes)).type
        } catch {
            return "error:" + error.code.rawValue
        }
    }
}
