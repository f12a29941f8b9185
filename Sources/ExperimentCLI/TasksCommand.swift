import ArgumentParser
import Foundation
import Tasks

struct Tasks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List the tasks a spec can use, with split sizes, label counts and majority-class baselines.",
        discussion: "WordNet tasks are built from the local WordNet 3 database (Debian's wordnet-base; override with --wordnet or $WNSEARCHDIR).")

    @Option(help: "WordNet database folder (default: $WNSEARCHDIR, then the wordnet-base package's folder).")
    var wordnet: String?

    func run() throws {
        try reportingErrors {
            let location = try WordNet.locateDatabase(override: wordnet)
            let db = try WordNet(directory: location, parts: [.noun])
            print("WordNet database: \(location.path)\n")
            let supersense = try WordNetSupersense.build(wordnet: db, options: SupersenseOptions())
            describe(supersense, kind: "wordnet-supersense",
                     about: "single-text classification: a noun synset's definition → its lexicographer file (26 classes); the default task")
            let pairs = try WordNetPairs.build(wordnet: db, options: PairsOptions())
            describe(pairs, kind: "wordnet-pairs",
                     about: "sentence-pair classification (MultiNLI-shaped): premise = definition of X, hypothesis = a lemma of Y; entailment / neutral / contradiction from WordNet relations")
            print("""
            planted-rank
              control with a known answer: teacher = base model + planted ΔW* = U·diag(s)·Vᵀ of rank k on chosen matrices;
              the student (LoRA of rank r) regresses the teacher's final hidden states (MSE). Sizes are set in the spec
              (default 4,096 train / 512 validation inputs, random tokens or WordNet definitions).

            wordnet-gloss
              generation, for a decoder (a Llama-family GGUF checkpoint such as SmolLM2-135M): prompt "word (part of
              speech):" → the synset's gloss, trained with the causal-LM loss on the gloss tokens only (Sec 2); runs report
              validation loss and perplexity, and greedy generations before and after fine-tuning.

            jsonl, glue-tsv
              your own data: JSONL with "text" (or "text_a"/"text_b") and "label", or GLUE TSV in MultiNLI's layout
              (sentence1, sentence2, gold_label), e.g. the real MNLI train.tsv / dev_matched.tsv.
            """)
        }
    }

    private func describe(_ d: TextDataset, kind: String, about: String) {
        print(kind)
        print("  \(about)")
        for split in Split.allCases {
            let dist = d.distribution(split)
            guard dist.total > 0 else { continue }
            let label = d.labels[dist.majorityLabel]
            print("  \(split.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(String(dist.total).padding(toLength: 6, withPad: " ", startingAt: 0)) examples, \(d.labels.count) labels, majority \(label) = \(String(format: "%.1f", dist.majorityBaseline * 100)) %")
        }
        print("")
    }
}
