import Foundation
import IncentiveStore
import Testing

@Suite("API keys")
struct APIKeyRepositoryTests {
    @Test("a key is shown once with its prefix, authenticates with its scopes, and stops at revocation")
    func lifecycle() async throws {
        let f = try StoreFixture()
        let keys = APIKeyRepository(database: f.database, hmacKey: Array(repeating: 7, count: 32))
        let (record, plaintext) = try await keys.create(name: "app", scopes: [.eventsWrite, .admin])
        #expect(plaintext.hasPrefix("ink_\(record.id)_"))
        #expect(!record.hash.contains(plaintext) && record.hash.count == 64)
        #expect(try keys.authenticate(plaintext)?.scopes == [.eventsWrite, .admin])
        #expect(try keys.authenticate(plaintext + "x") == nil)
        #expect(try keys.authenticate("ink_nothing") == nil)
        let otherServer = APIKeyRepository(database: f.database, hmacKey: Array(repeating: 8, count: 32))
        #expect(try otherServer.authenticate(plaintext) == nil)
        #expect(try await keys.revoke(id: record.id))
        #expect(try keys.authenticate(plaintext) == nil)
        #expect(try await keys.list().map(\.id) == [record.id])
    }
}
