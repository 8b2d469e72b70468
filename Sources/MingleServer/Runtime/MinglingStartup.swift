import Foundation
import EventLoop
import Mingling
import TLS

/// Loads the event, replays the journal and starts the hub on its own loop thread.
struct MinglingStartup {
    let plan: EventPlan
    let replayed: Journal.Contents
    let journalPath: String
    let secret: [UInt8]
    /// The TURN shared secret (`turn.secretFile`), when TURN is configured.
    let turnSecret: [UInt8]?

    static func prepare(settings: ServerSettings, path: String, log: Log) throws(Server.StartError) -> MinglingStartup {
        let plan: EventPlan
        switch EventConfigLoader.load(path: path) {
        case .success(let p): plan = p
        case .failure(let errors):
            throw Server.StartError(description: "the event file is invalid:\n" + errors.description)
        }
        let journalPath = settings.stateDirectory + "/journal.jsonl"
        let replayed: Journal.Contents
        do {
            replayed = try Journal.read(path: journalPath)
            if replayed.tornTail { log.warning("journal_torn_tail", ["path": journalPath, "note": "the last, incomplete line was dropped"]) }
        } catch {
            throw Server.StartError(description: "\(error)")
        }
        // The journal must take writes before the server promises anything (a read-only disk, a full one).
        do { try Journal(path: journalPath).close() } catch {
            throw Server.StartError(description: "the journal cannot be written: \(error)")
        }
        let secret: [UInt8]
        do { secret = try ResumeTokens.loadOrCreateSecret(at: settings.stateDirectory + "/secret") } catch {
            throw Server.StartError(description: "cannot create the server secret in \(settings.stateDirectory): \(error)")
        }
        var turnSecret: [UInt8]?
        if let turn = settings.turn {
            do { turnSecret = try TurnSecretFile.read(turn.secretFile) } catch {
                throw Server.StartError(description: "turn.secretFile: \(error)")
            }
            log.info("turn_credentials", ["urls": turn.urls.joined(separator: " "), "seconds": "\(turn.credentialSeconds)",
                                          "secret_file": turn.secretFile])
        }
        return MinglingStartup(plan: plan, replayed: replayed, journalPath: journalPath, secret: secret, turnSecret: turnSecret)
    }

    /// Starts the hub's loop; connection loops are filled in once they exist.
    func start(settings: ServerSettings, log: Log, connectionLoops: LoopHandlesBox) throws(Server.StartError) -> (LoopGroup<MinglingHub>, HubHandle) {
        var config = LoopGroupConfiguration()
        config.loops = 1
        let plan = self.plan
        let replayed = self.replayed
        let journalPath = self.journalPath
        let tokens = ResumeTokens(secret: secret)
        let seed = settings.randomSeed ?? Self.seed(from: secret)
        let engineSettings = settings.engine
        let greeting = Greeting()
        let secret = self.secret
        let turnSecret = self.turnSecret
        greeting.update(plan)
        let group: LoopGroup<MinglingHub>
        do {
            group = try LoopGroup(configuration: config) { loop, _ in
                let engine = replayed.engine(plan: plan, settings: engineSettings, seed: seed)
                let journal: Journal
                do { journal = try Journal(path: journalPath, linesAfterSnapshot: replayed.events.count) } catch {
                    preconditionFailure("\(error)")
                }
                let hub = MinglingHub(engine: engine, journal: journal, tokens: tokens, log: log,
                                      connectionLoops: connectionLoops, loop: loop, wallClock: WallClock.now)
                hub.greeting = greeting
                if let turn = settings.turn, let turnSecret {
                    hub.turn = TurnCredentials(urls: turn.urls, secret: turnSecret, lifetimeSeconds: turn.credentialSeconds,
                                               serverSecret: secret)
                }
                hub.resumeTokensValidAfterEventSeconds = settings.resumeTokensValidAfterEventSeconds
                if !replayed.events.isEmpty || replayed.snapshot != nil {
                    log.info("journal_replayed", ["events": "\(replayed.events.count)", "snapshot": replayed.snapshot == nil ? "no" : "yes",
                                                  "attendees": "\(engine.allAttendees.count)", "pairs_met": "\(engine.metPairCount)"])
                    hub.run(.recoverAfterRestart, now: WallClock.now(), replyTo: nil, request: "recover")
                }
                hub.afterInput(now: WallClock.now())
                return hub
            }
        } catch {
            throw Server.StartError(description: "cannot start the mingling loop: \(error)")
        }
        return (group, HubHandle(loop: group.handles[0], greeting: greeting, displayKeys: DisplayKeys(secret: secret)))
    }
}

extension MinglingStartup {
    /// The pairing seed when none is given: from the server secret, so a restart makes the same choices.
    static func seed(from secret: [UInt8]) -> UInt64 {
        HMACSHA256.authenticate(Array("pairing-seed".utf8), key: secret).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// Connection loop handles, known only after the hub started (the hub is created first so no
/// attendee message can arrive before it exists).
final class LoopHandlesBox: Sendable {
    private let handles = Locked<[LoopHandle<LoopContext>]>([])
    func set(_ h: [LoopHandle<LoopContext>]) { handles.withLock { $0 = h } }
    var all: [LoopHandle<LoopContext>] { handles.withLock { $0 } }
}

enum WallClock {
    @Sendable static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millisecondsSinceEpoch: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec / 1_000_000))
    }
}
