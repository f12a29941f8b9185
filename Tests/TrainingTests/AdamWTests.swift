import XCTest
import LinearAlgebra
@testable import Training

final class AdamWTests: XCTestCase {
    /// The first AdamW step moves each weight by −lr·sign(g) (bias-corrected m̂/√v̂ = g/|g|), after the decoupled decay.
    func testFirstStepByHand() {
        let p = Parameter(name: "w", value: Matrix(rows: 1, cols: 3, storage: [1, -2, 0.5]))
        p.grad = Matrix(rows: 1, cols: 3, storage: [0.3, -0.1, 0])
        let opt = AdamW(parameters: [p], hyperparameters: .init(weightDecay: 0.1))
        opt.step(learningRate: 0.01)
        // w·(1 − 0.01·0.1) − 0.01·g/(|g| + ε′); ε′ = 1e-8 is negligible except for g = 0, where the move is 0.
        XCTAssertEqual(p.value.storage[0], 1 * 0.999 - 0.01, accuracy: 1e-6)
        XCTAssertEqual(p.value.storage[1], -2 * 0.999 + 0.01, accuracy: 1e-6)
        XCTAssertEqual(p.value.storage[2], 0.5 * 0.999, accuracy: 1e-7)
    }

    /// Two steps against the closed form with the same gradient g: m₂ = (1−β₁²)g… i.e. m̂ = g, v̂ = g², step = lr.
    func testTwoStepsConstantGradient() {
        let p = Parameter(name: "w", value: Matrix(rows: 1, cols: 1, storage: [0]), decays: false)
        let opt = AdamW(parameters: [p], hyperparameters: .init(weightDecay: 0.5))
        for _ in 0..<2 { p.grad = Matrix(rows: 1, cols: 1, storage: [2]); opt.step(learningRate: 0.1) }
        XCTAssertEqual(p.value.storage[0], -0.2, accuracy: 1e-5, "no decay for a non-decaying parameter")
        XCTAssertEqual(opt.stepCount, 2)
    }

    func testClippingScalesToMaxNorm() {
        let p = Parameter(name: "w", value: Matrix(rows: 1, cols: 2))
        p.grad = Matrix(rows: 1, cols: 2, storage: [3, 4])
        XCTAssertEqual(clipGradientNorm([p], maxNorm: 1), 5, accuracy: 1e-12)
        XCTAssertEqual(Double(p.grad.storage[0]), 0.6, accuracy: 1e-6)
        XCTAssertEqual(Double(p.grad.storage[1]), 0.8, accuracy: 1e-6)
        XCTAssertEqual(clipGradientNorm([p], maxNorm: nil), 1, accuracy: 1e-6)
    }

    func testSchedules() {
        let lin = LearningRateSchedule(kind: .linear, peak: 1e-3, warmupFraction: 0.1, totalSteps: 100)
        XCTAssertEqual(lin.warmupSteps, 10)
        XCTAssertEqual(lin.rate(at: 0), 0)
        XCTAssertEqual(lin.rate(at: 5), 5e-4, accuracy: 1e-15)
        XCTAssertEqual(lin.rate(at: 10), 1e-3, accuracy: 1e-15)
        XCTAssertEqual(lin.rate(at: 55), 5e-4, accuracy: 1e-15)
        XCTAssertEqual(lin.rate(at: 100), 0)
        let cos = LearningRateSchedule(kind: .cosine, peak: 2, warmupSteps: 0, totalSteps: 10)
        XCTAssertEqual(cos.rate(at: 0), 2, accuracy: 1e-12)
        XCTAssertEqual(cos.rate(at: 5), 1, accuracy: 1e-12)
        XCTAssertEqual(cos.rate(at: 10), 0, accuracy: 1e-12)
        XCTAssertEqual(LearningRateSchedule(kind: .constant, peak: 3, warmupSteps: 2, totalSteps: 10).rate(at: 7), 3)
    }
}
