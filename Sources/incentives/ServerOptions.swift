import ArgumentParser
import Foundation
import IncentiveAPI
import Logging

/// Flags shared by commands that configure the service; each falls back to an environment
/// variable, then to the default of `AppConfiguration`.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to bind (env INCENTIVES_HOST).")
    var host: String?

    @Option(help: "Port to bind; 0 picks a free one (env INCENTIVES_PORT).")
    var port: Int?

    @Option(help: "Public base URL for issuer and links (env INCENTIVES_PUBLIC_BASE_URL).")
    var publicBaseURL: String?

    @Option(help: "Data folder (env INCENTIVES_DATA_DIR).")
    var dataDir: String?

    @Option(help: "Folder for development certificates (env INCENTIVES_CERTS_DIR).")
    var certsDir: String?

    @Option(help: "PEM certificate chain; with --key replaces the development certificate (env INCENTIVES_CERT).")
    var cert: String?

    @Option(help: "PEM private key for --cert (env INCENTIVES_KEY).")
    var key: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env LOG_LEVEL).")
    var logLevel: String?

    @Option(help: "Log format: json (one object per line) or text (env LOG_FORMAT).")
    var logFormat: String?

    @Option(help: "Synchronous evaluation budget in milliseconds; past it events are evaluated by a job (env INCENTIVES_EVALUATION_BUDGET_MS).")
    var evaluationBudgetMs: Int?

    @Option(help: "Backdated events older than this many days earn nothing on arrival (env INCENTIVES_GRACE_WINDOW_DAYS).")
    var graceWindowDays: Double?

    @Option(help: "Partner API requests allowed per partner per minute (env INCENTIVES_PARTNER_RATE_LIMIT).")
    var partnerRateLimit: Int?

    @Option(help: "Delete audit rows older than this many days, 0 to keep all (env INCENTIVES_AUDIT_RETENTION_DAYS; default 400).")
    var auditRetentionDays: Double?

    @Option(help: "Seconds between purges of expired sessions, codes, links and dead refresh families, 0 never (env INCENTIVES_PURGE_INTERVAL; default 3600).")
    var purgeInterval: Int?

    @Option(help: "Hours a dead session, code, link or refresh family is kept before the purge deletes it (env INCENTIVES_PURGE_KEEP_HOURS; default 24).")
    var purgeKeepHours: Double?

    @Option(help: "Seconds a client has to send a complete request head (env INCENTIVES_REQUEST_HEAD_TIMEOUT; default 20).")
    var requestHeadTimeout: Int?

    @Option(help: "Seconds a client has to send a request body after its head (env INCENTIVES_REQUEST_BODY_TIMEOUT; default 60).")
    var requestBodyTimeout: Int?

    @Option(help: "Password checks (PBKDF2) run at once; more wait up to 2 s, then get 429 (env INCENTIVES_PASSWORD_CHECKS; default: the core count).")
    var passwordChecks: Int?

    @Flag(help: .hidden)
    var enableTestRoutes = false

    @Flag(help: .hidden)
    var benchmarkPlainHTTP = false

    func makeConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfiguration {
        var configuration = AppConfiguration()
        func value(_ flag: String?, _ variable: String) -> String? { flag ?? environment[variable] }
        if let host = value(host, "INCENTIVES_HOST") { configuration.host = host }
        if let port = value(port.map(String.init), "INCENTIVES_PORT") {
            guard let number = Int(port), (0...65_535).contains(number) else { throw ValidationError("port must be 0-65535, got \(port)") }
            configuration.port = number
        }
        if let url = value(publicBaseURL, "INCENTIVES_PUBLIC_BASE_URL") {
            guard let parsed = URL(string: url), parsed.scheme == "https", parsed.host != nil else {
                throw ValidationError("public base URL must be an https URL, got \(url)")
            }
            configuration.publicBaseURL = parsed
        }
        if let folder = value(dataDir, "INCENTIVES_DATA_DIR") { configuration.dataDirectory = URL(fileURLWithPath: folder) }
        if let folder = value(certsDir, "INCENTIVES_CERTS_DIR") { configuration.certificatesDirectory = URL(fileURLWithPath: folder) }
        configuration.certificatePath = value(cert, "INCENTIVES_CERT")
        configuration.privateKeyPath = value(key, "INCENTIVES_KEY")
        guard (configuration.certificatePath == nil) == (configuration.privateKeyPath == nil) else {
            throw ValidationError("--cert and --key must be given together")
        }
        if let level = value(logLevel, "LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level) else { throw ValidationError("unknown log level \(level)") }
            configuration.logLevel = parsed
        }
        if let format = value(logFormat, "LOG_FORMAT") {
            guard ["json", "text"].contains(format) else { throw ValidationError("log format must be json or text, got \(format)") }
            configuration.logsJSON = format == "json"
        }
        if let budget = value(evaluationBudgetMs.map(String.init), "INCENTIVES_EVALUATION_BUDGET_MS") {
            guard let milliseconds = Int(budget), milliseconds >= 0 else { throw ValidationError("evaluation budget must be >= 0 ms") }
            configuration.evaluationBudgetMilliseconds = milliseconds
        }
        if let grace = value(graceWindowDays.map { String($0) }, "INCENTIVES_GRACE_WINDOW_DAYS") {
            guard let days = Double(grace), days >= 0 else { throw ValidationError("grace window must be >= 0 days") }
            configuration.graceWindowSeconds = days * 86_400
        }
        if let limit = value(partnerRateLimit.map(String.init), "INCENTIVES_PARTNER_RATE_LIMIT") {
            guard let perMinute = Int(limit), perMinute >= 1 else { throw ValidationError("partner rate limit must be >= 1 per minute") }
            configuration.partnerRequestsPerMinute = perMinute
        }
        if let retention = value(auditRetentionDays.map { String($0) }, "INCENTIVES_AUDIT_RETENTION_DAYS") {
            guard let days = Double(retention), days >= 0 else { throw ValidationError("audit retention must be >= 0 days") }
            configuration.auditRetentionDays = days == 0 ? nil : days
        }
        if let seconds = value(requestHeadTimeout.map(String.init), "INCENTIVES_REQUEST_HEAD_TIMEOUT") {
            guard let head = Int(seconds), head >= 1 else { throw ValidationError("request head timeout must be >= 1 s") }
            configuration.requestHeadTimeoutSeconds = head
        }
        if let seconds = value(requestBodyTimeout.map(String.init), "INCENTIVES_REQUEST_BODY_TIMEOUT") {
            guard let body = Int(seconds), body >= 1 else { throw ValidationError("request body timeout must be >= 1 s") }
            configuration.requestBodyTimeoutSeconds = body
        }
        if let interval = value(purgeInterval.map(String.init), "INCENTIVES_PURGE_INTERVAL") {
            guard let seconds = Int(interval), seconds >= 0 else { throw ValidationError("purge interval must be >= 0 s") }
            configuration.purgeIntervalSeconds = seconds == 0 ? nil : seconds
        }
        if let keep = value(purgeKeepHours.map { String($0) }, "INCENTIVES_PURGE_KEEP_HOURS") {
            guard let hours = Double(keep), hours.isFinite, hours >= 0, hours <= 100_000 else {
                throw ValidationError("purge keep must be between 0 and 100000 hours")
            }
            configuration.purgeKeepSeconds = hours * 3600
        }
        if let checks = value(passwordChecks.map(String.init), "INCENTIVES_PASSWORD_CHECKS") {
            guard let count = Int(checks), (1...256).contains(count) else { throw ValidationError("password checks must be between 1 and 256") }
            configuration.passwordCheckConcurrency = count
        }
        configuration.enablesTestRoutes = enableTestRoutes
        configuration.servesPlainHTTPForBenchmarks = benchmarkPlainHTTP
        return configuration
    }
}
