import Foundation
import XCTest
import GGUF
import LinearAlgebra
import LoRA
import Model
import Tokenization
import Training
@testable import Tasks

/// `wordnet-gloss` with SmolLM2-135M-Instruct on the real WordNet 3.0: the tokenized task, and (opt-in) a short LoRA
/// fine-tuning run from the task to greedy generations. Skipped when either the GGUF file (scripts/setup.sh) or the
/// database (wordnet-base) is absent, or with `LORA_SKIP_CHECKPOINT_TESTS=1`.
final class WordNetGlossSmolLM2Tests: XCTestCase {
    static let gguf = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
    static let wordnetDirectory = "/usr/share/wordnet"

    private func inputs() throws -> (GGUFFile, WordNet) {
        if ProcessInfo.processInfo.environment["LORA_SKIP_CHECKPOINT_TESTS"] == "1" {
            throw XCTSkip("checkpoint tests skipped by LORA_SKIP_CHECKPOINT_TESTS=1")
        }
        guard FileManager.default.fileExists(atPath: Self.gguf.path) else { throw XCTSkip("\(Self.gguf.path) is not installed (run scripts/setup.sh)") }
        guard FileManager.default.fileExists(atPath: Self.wordnetDirectory + "/data.noun") else {
            throw XCTSkip("WordNet 3.0 not installed at \(Self.wordnetDirectory) (wordnet-base)")
        }
        return (try GGUFFile(contentsOf: Self.gguf), try WordNet(directory: URL(fileURLWithPath: Self.wordnetDirectory)))
    }

    /// Every validation example (11,877 glosses): tokenized apart, prompt and target give the ids of the whole text; at
    /// 64 tokens none is dropped and few are cut. Prints the split's length statistics.
    func testSmolLM2TokenizationOfTheValidationSplit() throws {
        let (file, wn) = try inputs()
        let tokenizer = try BPETokenizer(gguf: file)
        let text = try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxTrain: 0, maxValidation: nil, maxTest: 0))
        let ds = try TokenizedGenerationDataset(text, tokenizer: tokenizer, maxTokens: 64)
        XCTAssertEqual(ds.endOfText, 2, "<|im_end|>")
        var mismatches = 0
        for (e, t) in zip(text.validation, ds.validation) where t.isComplete {
            if Array(t.ids.dropLast()) != tokenizer.encode(e.text) { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0)
        XCTAssertEqual(ds.validation.count, text.validation.count)
        XCTAssertEqual(ds.dropped, [:])
        let prompts = ds.validation.map { Double($0.promptTokens) }
        print("[WordNetGlossSmolLM2Tests] validation: \(ds.validation.count) examples, mean length "
              + String(format: "%.1f", ds.meanLength(.validation)) + " tokens (prompt "
              + String(format: "%.1f", prompts.reduce(0, +) / Double(prompts.count)) + "), \(ds.targetTokenCount(.validation)) target tokens, "
              + "\(ds.truncated[.validation] ?? 0) cut at 64")
        XCTAssertLessThan(ds.truncated[.validation] ?? 0, ds.validation.count / 100)
    }

    /// Opt-in (`LLAMA_GLOSS_DEMO=1`): 300 AdamW steps of LoRA r = 8 on q and v, batches of 8 training glosses, then the
    /// validation loss and perplexity on 200 glosses and greedy generations for 4 validation prompts, before and after.
    /// Prints; asserts only that training lowered the validation loss. Measured once (one thread on a shared 2-core
    /// machine): 336 s for the 300 steps (1.12 s a step of about 150 tokens), validation loss 4.689 → 3.266 (perplexity
    /// 108.7 → 26.2), and generations that turn from rambling chat answers into one-line definitions ended by
    /// `<|im_end|>` (mostly wrong ones: "question (noun): a statement that is true").
    func testFineTuningDemo() throws {
        guard ProcessInfo.processInfo.environment["LLAMA_GLOSS_DEMO"] == "1" else { throw XCTSkip("set LLAMA_GLOSS_DEMO=1 to run the demo") }
        let (file, wn) = try inputs()
        let tokenizer = try BPETokenizer(gguf: file)
        let model = try LlamaModel.load(gguf: file)
        let (steps, batchSize, learningRate) = (300, 8, 1e-3)
        let text = try WordNetGloss.build(wordnet: wn, options: GlossOptions(maxTrain: steps * batchSize, maxValidation: 200, maxTest: 0))
        let ds = try TokenizedGenerationDataset(text, tokenizer: tokenizer, maxTokens: 64)
        let validationWorkspace = LlamaWorkspace(config: model.config, forInference: true)
        func validationLoss() throws -> Double {
            var (sum, tokens) = (0.0, 0)
            for start in stride(from: 0, to: ds.validation.count, by: 16) {
                let (batch, mask) = GenerationBatching.batch(Array(ds.validation[start..<min(ds.validation.count, start + 16)]))
                let (loss, m) = try model.causalLMLoss(batch, targetMask: mask, workspace: validationWorkspace, backward: false)
                sum += loss * Double(m)
                tokens += m
            }
            return sum / Double(tokens)
        }
        let shown = Array(ds.validation.prefix(4))
        func generations() throws -> [String] {
            try shown.map { tokenizer.decode(try model.generateGreedy(prompt: $0.promptIds, maxNewTokens: 32, endOfText: ds.endOfText)) }
        }
        let before = try validationLoss()
        let generatedBefore = try generations()
        let adapters = model.attachAdapters(targets: [.q, .v], parameters: LoRAParameters(rank: 8, alpha: 16), initSeed: 0)
        let optimizer = AdamW(parameters: adapters.flatMap { [$0.a, $0.b] })
        let workspace = LlamaWorkspace(config: model.config)
        let start = Date()
        var trainLoss: [Double] = []
        for step in 0..<steps {
            let (batch, mask) = GenerationBatching.batch(Array(ds.train[(step * batchSize)..<((step + 1) * batchSize)]))
            model.setTraining(true)
            trainLoss.append(try model.causalLMLoss(batch, targetMask: mask, workspace: workspace, backward: true).loss)
            optimizer.step(learningRate: learningRate)
            optimizer.zeroGrad()
        }
        let seconds = Date().timeIntervalSince(start)
        model.setTraining(false)
        let after = try validationLoss()
        let generatedAfter = try generations()
        func mean(_ x: ArraySlice<Double>) -> String { String(format: "%.3f", x.reduce(0, +) / Double(x.count)) }
        print("[WordNetGlossSmolLM2Tests] \(steps) steps × \(batchSize) glosses (LoRA q,v r=8, AdamW lr \(learningRate), "
              + "\(Parallel.width) threads) in " + String(format: "%.0f s (%.2f s/step)", seconds, seconds / Double(steps))
              + "; train loss first 20 steps \(mean(trainLoss.prefix(20))), last 20 \(mean(trainLoss.suffix(20)))")
        print("[WordNetGlossSmolLM2Tests] validation (\(ds.validation.count) glosses, \(ds.targetTokenCount(.validation)) tokens): loss "
              + String(format: "%.3f → %.3f, perplexity %.1f → %.1f", before, after, exp(before), exp(after)))
        for (i, e) in shown.enumerated() {
            print("[WordNetGlossSmolLM2Tests] \(text.validation[i].prompt.debugDescription)\n  reference \(text.validation[i].target.debugDescription)"
                  + "\n  before    \(generatedBefore[i].debugDescription)\n  after     \(generatedAfter[i].debugDescription)")
            XCTAssertEqual(e.id, text.validation[i].id)
        }
        XCTAssertLessThan(after, before)
    }
}
