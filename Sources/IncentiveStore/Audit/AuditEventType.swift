/// What an audit row records (DESIGN §6). Stored as its raw text, which the row's MAC covers.
public enum AuditEventType: String, Sendable, CaseIterable {
    case signIn = "sign_in"
    case signInLinkCreated = "sign_in_link.created"
    case consentGranted = "consent.granted"
    case consentDenied = "consent.denied"
    case consentRevoked = "consent.revoked"
    case tokenIssued = "token.issued"
    case tokenRefreshed = "token.refreshed"
    case tokenRevoked = "token.revoked"
    case reuseDetected = "reuse.detected"
    case partnerCall = "partner.call"
    case credentialRefused = "credential.refused"
    /// Refused credentials past the flood caps, counted per source and minute.
    case credentialRefusedSummary = "credential.refused.summary"
    /// 429s after a partner's first of the minute, counted per client and minute.
    case rateLimitedSummary = "rate_limited.summary"
    case adminChange = "admin.change"
    /// Written by retention: the last deleted row and its MAC, so the rest still verifies.
    case auditAnchor = "audit.anchor"
}

/// How the audited attempt ended.
public enum AuditOutcome: String, Sendable, CaseIterable {
    case ok
    case denied
    case failed
    case throttled
}
