import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import HummingbirdWSCompression
import NIOPosix
import NIOSSL

// Usage: HummingbirdEcho PORT [--threads N] [--cert CERT.pem --key KEY.pem] [--deflate]
// A WebSocket echo server at /echo (any path), one event loop thread by default so that it is
// measured on one core, like the other servers.
var args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}
let port = Int(args.first ?? "") ?? 0
let threads = Int(option("--threads") ?? "1") ?? 1
let deflate = args.contains("--deflate")

let wsConfig = WebSocketServerConfiguration(
    maxFrameSize: 1 << 20,
    extensions: deflate ? [.perMessageDeflate(maxDecompressedFrameSize: 1 << 20)] : []
)
let ws = HTTPServerBuilder.http1WebSocketUpgrade(configuration: .init(ws: wsConfig)) { _, _, _ in
    .upgrade([:]) { inbound, outbound, _ in
        for try await message in inbound.messages(maxSize: 1 << 20) {
            switch message {
            case .text(let text): try await outbound.write(.text(text))
            case .binary(let buffer): try await outbound.write(.binary(buffer))
            }
        }
    }
}
var server = ws
if let cert = option("--cert"), let key = option("--key") {
    let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
    let tls = TLSConfiguration.makeServerConfiguration(
        certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
    server = try .tls(ws, tlsConfiguration: tls)
}
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let app = Application(
    router: Router(),
    server: server,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    onServerRunning: { channel in
        let p = channel.localAddress?.port ?? port
        print("listening port=\(p)")
        fflush(stdout)
    },
    eventLoopGroupProvider: .shared(group)
)
try await app.runService()
