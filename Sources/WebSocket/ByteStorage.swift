/// A growable byte buffer that can be written through a raw pointer without zero-filling first
/// (unmasking and inflating write straight into it). Owned by one connection; never copied.
struct ByteStorage: ~Copyable {
    private(set) var base: UnsafeMutableRawPointer?
    private(set) var capacity = 0
    var count = 0

    init() {}

    deinit { base?.deallocate() }

    /// Makes room for `additional` more bytes after `count`, growing geometrically but not past
    /// `growthLimit` unless more is needed.
    mutating func reserve(additional: Int, growthLimit: Int = .max) {
        let needed = count + additional
        guard needed > capacity else { return }
        let grown = max(needed, min(max(capacity * 2, 64), growthLimit))
        let storage = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
        if let base {
            storage.copyMemory(from: base, byteCount: count)
            base.deallocate()
        }
        base = storage
        capacity = grown
    }

    /// Where the next byte goes; valid after `reserve`.
    var end: UnsafeMutableRawPointer { base! + count }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Empties the buffer, freeing it when it grew past `retainBytes`, so an idle connection does
    /// not keep the memory of its largest message.
    mutating func clear(retainBytes: Int) {
        count = 0
        if capacity > retainBytes {
            base?.deallocate()
            base = nil
            capacity = 0
        }
    }
}
