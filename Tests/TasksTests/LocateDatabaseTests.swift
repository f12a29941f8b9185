import Foundation
import XCTest
@testable import Tasks

/// `WordNet.locateDatabase`: override, then WNSEARCHDIR / WNHOME, then dpkg, then /usr/share/wordnet.
final class LocateDatabaseTests: XCTestCase {
    private let fixture = TestSupport.fixtureDirectory.path

    func testOverrideWinsAndHasNoFallback() throws {
        let url = try WordNet.locateDatabase(override: fixture, environment: ["WNSEARCHDIR": "/nonexistent"], dpkgDataFolder: { nil })
        XCTAssertEqual(url.standardizedFileURL.path, URL(fileURLWithPath: fixture).standardizedFileURL.path)
        XCTAssertThrowsDataError(try WordNet.locateDatabase(override: "/nonexistent/wn", environment: ["WNSEARCHDIR": fixture],
                                                            dpkgDataFolder: { nil }),
                                 .wordnetNotFound(searched: ["/nonexistent/wn (given explicitly; no data.noun/verb/adj/adv there)"]))
    }

    func testEnvironmentThenDpkg() throws {
        XCTAssertEqual(try WordNet.locateDatabase(override: nil, environment: ["WNSEARCHDIR": fixture], dpkgDataFolder: { nil }).path,
                       fixture.hasSuffix("/") ? String(fixture.dropLast()) : fixture)
        let viaDpkg = try WordNet.locateDatabase(override: nil, environment: ["WNSEARCHDIR": "/nonexistent"],
                                                 dpkgDataFolder: { self.fixture })
        XCTAssertTrue(viaDpkg.path.hasSuffix("Fixtures/wordnet"))
    }

    func testNothingFoundListsEverything() throws {
        if FileManager.default.fileExists(atPath: "/usr/share/wordnet/data.noun") {
            let url = try WordNet.locateDatabase(override: nil, environment: [:], dpkgDataFolder: { nil })
            XCTAssertEqual(url.path, "/usr/share/wordnet")
        } else {
            XCTAssertThrowsDataError(try WordNet.locateDatabase(override: nil, environment: ["WNHOME": "/x"], dpkgDataFolder: { nil }),
                                     .wordnetNotFound(searched: ["$WNSEARCHDIR (unset)", "/x/dict ($WNHOME/dict)",
                                                                 "dpkg -L wordnet-base (no data.noun listed)", "/usr/share/wordnet"]))
        }
        XCTAssertTrue(DataError.wordnetNotFound(searched: ["a", "b"]).description.hasPrefix("WordNet database not found; searched: a; b"))
    }

    func testDpkgOnThisMachine() throws {
        guard let folder = WordNet.dpkgWordNetFolder() else { throw XCTSkip("dpkg or wordnet-base not available") }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/data.noun"))
    }
}
