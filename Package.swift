// swift-tools-version:6.0
import PackageDescription

// Layering (checked by scripts/check-layering): each module's Swift files import only these.
//   ByteText: -                                   # ASCII classes, lists, percent-decoding: pure, shared
//   HTTP1: ByteText                               # sans-IO: the standard library and ByteText only
//   WebSocket: Deflate, ByteText                  # sans-IO
//   Mingling: -                                   # the pure domain
//   QRCode: -                                     # sans-IO QR encoder + SVG writer (`qr-render` is its test tool)
//   qr-render: QRCode, Foundation
//   Deflate: CZlib
//   TLS: COpenSSL, Glibc, Darwin                  # OpenSSL through memory BIOs; no sockets
//   EventLoop: CSystemShims, Glibc, Darwin        # the only module that makes socket and file syscalls
//   MingleServer: ByteText, EventLoop, HTTP1, WebSocket, Deflate, TLS, Mingling, QRCode, CSystemShims, Foundation, Glibc, Dispatch, Synchronization
//   mingle: MingleServer, ArgumentParser, Foundation
//   BenchClient: EventLoop, Deflate, COpenSSL, Glibc
//   mingle-bench: BenchClient, EventLoop, Mingling, ArgumentParser, Foundation, Glibc
//   MingleTestSupport: EventLoop, TLS, COpenSSL, Mingling, Glibc, Foundation
//   FuzzFrames: WebSocket
//   FuzzHTTP: HTTP1
//   FuzzExtensions: WebSocket
//   FuzzInflate: Deflate
//   FuzzUTF8: WebSocket
//   FuzzClientMessage: MingleServer
//
// Syscalls outside EventLoop are refused by the same script except the few it lists with their
// reasons (the development certificate's atomic write, the log line to stderr, signal handling).
// `mingle` only parses arguments and runs MingleServer.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Mingle",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mingle", targets: ["mingle"]),
        .executable(name: "mingle-bench", targets: ["mingle-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C shims: module maps and static inline wrappers for macros Swift cannot import.
        .target(name: "COpenSSL", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        .target(name: "CSystemShims"),

        // Sans-IO protocol layers, and the byte helpers they share.
        .target(name: "ByteText", swiftSettings: strict),
        .target(name: "HTTP1", dependencies: ["ByteText"], swiftSettings: strict),
        .target(name: "Deflate", dependencies: ["CZlib"], swiftSettings: strict),
        .target(name: "WebSocket", dependencies: ["Deflate", "ByteText"], swiftSettings: strict),
        .target(name: "TLS", dependencies: ["COpenSSL"], swiftSettings: strict),

        // The only layer that makes socket syscalls.
        .target(name: "EventLoop", dependencies: ["CSystemShims"], swiftSettings: strict),

        // The pure mingling domain.
        .target(name: "Mingling", swiftSettings: strict),

        // QR codes for room links (ISO/IEC 18004, byte mode) and their SVG rendering.
        .target(name: "QRCode", swiftSettings: strict),
        // Writes one QR code per input line as SVG + a 0/1 matrix, for scripts/qr-roundtrip.py.
        .executableTarget(name: "qr-render", dependencies: ["QRCode"], swiftSettings: strict),

        // Composition root.
        .target(
            name: "MingleServer",
            dependencies: ["ByteText", "HTTP1", "WebSocket", "Deflate", "TLS", "EventLoop", "Mingling", "QRCode"],
            exclude: ["ClientProtocol/README.md"],
            resources: [.copy("Public")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "mingle",
            dependencies: ["MingleServer", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),

        // The load tool (scripts/bench): a WebSocket client on the same event loop, NIO-free.
        .target(name: "BenchClient", dependencies: ["EventLoop", "Deflate", "COpenSSL"], swiftSettings: strict),
        .executableTarget(
            name: "mingle-bench",
            dependencies: ["BenchClient", "EventLoop", "Mingling", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),

        // libFuzzer targets (scripts/fuzz builds them with -sanitize=fuzzer,address); a plain
        // build links them as no-op executables.
        .executableTarget(name: "FuzzFrames", dependencies: ["WebSocket"], path: "Sources/Fuzz/FuzzFrames"),
        .executableTarget(name: "FuzzHTTP", dependencies: ["HTTP1"], path: "Sources/Fuzz/FuzzHTTP"),
        .executableTarget(name: "FuzzExtensions", dependencies: ["WebSocket"], path: "Sources/Fuzz/FuzzExtensions"),
        .executableTarget(name: "FuzzInflate", dependencies: ["Deflate"], path: "Sources/Fuzz/FuzzInflate"),
        .executableTarget(name: "FuzzUTF8", dependencies: ["WebSocket"], path: "Sources/Fuzz/FuzzUTF8"),
        .executableTarget(name: "FuzzClientMessage", dependencies: ["MingleServer"], path: "Sources/Fuzz/FuzzClientMessage"),

        .target(name: "MingleTestSupport", dependencies: ["EventLoop", "TLS", "COpenSSL", "Mingling"], swiftSettings: strict),

        .testTarget(name: "BenchClientTests", dependencies: ["BenchClient"], swiftSettings: strict),
        .testTarget(name: "ByteTextTests", dependencies: ["ByteText", "MingleTestSupport"], swiftSettings: strict),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1", "ByteText", "MingleTestSupport"], swiftSettings: strict),
        .testTarget(name: "DeflateTests", dependencies: ["Deflate", "MingleTestSupport"], swiftSettings: strict),
        .testTarget(name: "WebSocketTests", dependencies: ["WebSocket", "Deflate", "MingleTestSupport"], swiftSettings: strict),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "MingleTestSupport"], swiftSettings: strict),
        .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "MingleTestSupport"], swiftSettings: strict),
        .testTarget(name: "MinglingTests", dependencies: ["Mingling", "MingleTestSupport"], swiftSettings: strict),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode", "MingleTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "MingleServerTests",
            dependencies: ["MingleServer", "MingleTestSupport", "HTTP1", "WebSocket", "TLS", "EventLoop", "Mingling"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
