import Foundation
import XCTest
@testable import LinearAlgebra

final class ZigguratTests: XCTestCase {
    /// 10⁶ draws against N(0, 1): Kolmogorov–Smirnov distance below the 1 % critical value 1.63/√n, the tail mass
    /// beyond the ziggurat's R = 3.4426 (where the tail sampler takes over) and the first four moments within ~5
    /// standard errors (seeded, so the test is deterministic; the bounds say what a correct sampler may show).
    func testDrawsAreStandardNormal() {
        var rng = SeededGenerator(seed: 11, stream: "ziggurat-test")
        let n = 1_000_000
        let z = rng.gaussians(n).sorted()
        var ks = 0.0
        for (k, x) in z.enumerated() where k % 97 == 0 || abs(x) > 3 {
            let cdf = 0.5 * erfc(-x / 2.0.squareRoot())
            ks = max(ks, abs(cdf - Double(k) / Double(n)), abs(cdf - Double(k + 1) / Double(n)))
        }
        XCTAssertLessThan(ks, 1.63 / Double(n).squareRoot())
        let mean = z.reduce(0, +) / Double(n)
        let m2 = z.reduce(0) { $0 + $1 * $1 } / Double(n)
        let m3 = z.reduce(0) { $0 + $1 * $1 * $1 } / Double(n)
        let m4 = z.reduce(0) { $0 + $1 * $1 * $1 * $1 } / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 5e-3)        // SE 1e-3
        XCTAssertEqual(m2, 1, accuracy: 7e-3)          // SE √2·1e-3
        XCTAssertEqual(m3, 0, accuracy: 1.3e-2)        // SE √15·1e-3
        XCTAssertEqual(m4, 3, accuracy: 5e-2)          // SE √96·1e-3
        let tail = Double(z.filter { abs($0) > 3.442619855899 }.count) / Double(n)
        let expected = erfc(3.442619855899 / 2.0.squareRoot())      // 5.76e-4, SE 2.4e-5
        XCTAssertEqual(tail, expected, accuracy: 1.2e-4)
        XCTAssertGreaterThan(z.last!, 4)                // the tail is reached on both sides
        XCTAssertLessThan(z.first!, -4)
    }

    /// Same state, same values; the state advances; a fill does not depend on how it is split.
    func testReproducibleAndSplitIndependent() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        let x = a.gaussians(1000)
        var y = b.gaussians(400)
        y += b.gaussians(600)
        XCTAssertEqual(x, y)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.gaussians(10), x.prefix(10).map { $0 })
    }
}
