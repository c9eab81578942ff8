// swift-tools-version:6.0
// tx — a notebook-style scripting REPL for studying how neural-network features transfer.
//
// The folder tree is the architecture:
//   COpenBLAS, CEditLine, CPNG   system libraries (Debian packages, found by pkg-config)
//   CSupport                     the few lines of C Swift cannot express (signals, ptys)
//   TxTensor                     n-d Float32 tensors, BLAS/LAPACK-backed (no language inside)
//   TxLanguage                   lexer → parser → resolver/compiler → evaluator, built-ins
//   TxREPL                       the interactive prompt (libedit), history, completion
//   tx                           the command line
import PackageDescription

let package = Package(
    name: "tx",
    products: [
        .executable(name: "tx", targets: ["tx"]),
        .library(name: "TxTensor", targets: ["TxTensor"]),
        .library(name: "TxLanguage", targets: ["TxLanguage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CGzip", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        .target(name: "CPNGWrite", linkerSettings: [.linkedLibrary("png16")]),
        .target(name: "CSupport", linkerSettings: [.linkedLibrary("util")]),
        .target(name: "TxTensor", dependencies: ["COpenBLAS"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .target(name: "TxData", dependencies: ["TxTensor", "CGzip", "CPNG", "CTurboJPEG", "CPNGWrite",
                                          .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "TxAnalysis", dependencies: ["TxTensor", "COpenBLAS"]),
        .target(name: "TxLearn", dependencies: ["TxTensor", "COpenBLAS"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .target(name: "TxPlot", dependencies: ["CCairo", "CPNGWrite", "TxTensor", "TxAnalysis"]),
        .target(name: "TxEmbed", dependencies: ["TxTensor", "CFFTW"],
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .target(name: "TxLanguage",
                dependencies: ["TxTensor", "TxData", "TxAnalysis", "TxEmbed", "TxPlot", "TxLearn", "CSupport",
                               .product(name: "OrderedCollections", package: "swift-collections")],
                // The evaluator's hot path: no dynamic exclusivity checks in release.
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "TxREPL", dependencies: ["TxLanguage", "CEditLine", "CSupport"]),
        .target(name: "TxNotebook", dependencies: ["TxLanguage", .product(name: "Ink", package: "Ink")]),
        .executableTarget(name: "tx",
                          dependencies: ["TxLanguage", "TxREPL", "TxNotebook",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "TxTensorTests", dependencies: ["TxTensor"]),
        .testTarget(name: "TxDataTests", dependencies: ["TxData", "CPNGWrite", "CTurboJPEG"], exclude: ["Fixtures"]),
        .testTarget(name: "TxLanguageTests", dependencies: ["TxLanguage"]),
        .testTarget(name: "TxAnalysisTests", dependencies: ["TxAnalysis", "TxData"]),
        .testTarget(name: "TxEmbedTests", dependencies: ["TxEmbed", "TxData"]),
        .testTarget(name: "TxLearnTests", dependencies: ["TxLearn", "TxData"], exclude: ["Fixtures"]),
        .testTarget(name: "TxREPLTests", dependencies: ["CSupport"]),
        .testTarget(name: "TxPlotTests", dependencies: ["TxPlot", "CPNGWrite"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v5]
)

// exact vs approximate kNN timing and recall (bench/knn, release build)
package.targets.append(.executableTarget(name: "knn-bench", dependencies: ["TxEmbed", "TxTensor"], path: "bench/knn"))
