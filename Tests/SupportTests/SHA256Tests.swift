import XCTest
@testable import Support

final class SHA256Tests: XCTestCase {
    /// FIPS 180-4 example vectors.
    func testKnownVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// The block-wise path agrees with the byte-wise path at every split point around block boundaries.
    func testChunkedUpdateMatchesOneShot() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hex(bytes)
        for split in [0, 1, 55, 56, 63, 64, 65, 128, 299, 300] {
            var h = SHA256()
            h.update(bytes[0..<split])
            bytes[split...].withUnsafeBytes { h.update($0) }
            XCTAssertEqual(SHA256.hexString(h.finalize()), expected, "split at \(split)")
        }
    }
}
