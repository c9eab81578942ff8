import Foundation
import TxLanguage

/// Writes a notebook run as a Jupyter notebook (nbformat 4.5) with the
/// same outputs, so it opens in Jupyter, VS Code or GitHub.
public enum IPYNBReport {
    public static func render(_ run: NotebookRun) throws -> [UInt8] {
        var cells: [[String: Any]] = []
        for (index, (cell, output)) in zip(run.cells, run.outputs).enumerated() {
            let id = "cell-\(index + 1)"
            switch cell.kind {
            case .markdown:
                cells.append(["cell_type": "markdown", "id": id, "metadata": [String: Any](),
                              "source": lines(cell.source)])
            case .code:
                let count = output?.executionCount ?? 0
                var outputs: [[String: Any]] = []
                if let printed = output?.printed, !printed.isEmpty {
                    outputs.append(["output_type": "stream", "name": "stdout", "text": lines(printed)])
                }
                if let image = output?.image {
                    outputs.append(["output_type": "display_data", "metadata": [String: Any](),
                                    "data": ["image/png": Data(image).base64EncodedString(),
                                             "text/plain": lines(output?.result ?? "figure")]])
                } else if let result = output?.result {
                    outputs.append(["output_type": "execute_result", "execution_count": count,
                                    "metadata": [String: Any](), "data": ["text/plain": lines(result)]])
                }
                if let error = output?.error {
                    let first = error.split(separator: "\n").first.map(String.init) ?? error
                    outputs.append(["output_type": "error", "ename": "TxError",
                                    "evalue": first.hasPrefix("error: ") ? String(first.dropFirst(7)) : first,
                                    "traceback": error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)])
                }
                var metadata: [String: Any] = [:]
                if let title = cell.title { metadata["title"] = title }
                cells.append(["cell_type": "code", "id": id, "metadata": metadata, "execution_count": count,
                              "outputs": outputs, "source": lines(cell.source)])
            }
        }
        let notebook: [String: Any] = [
            "cells": cells,
            "metadata": [
                "kernelspec": ["name": "tx", "display_name": "tx", "language": "tx"],
                "language_info": ["name": "tx", "file_extension": ".tx", "version": txVersion],
            ],
            "nbformat": 4,
            "nbformat_minor": 5,
        ]
        let data = try JSONSerialization.data(withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys])
        return [UInt8](data) + [10]
    }

    /// Jupyter's multi-line strings: a list of lines, each but the last ending in "\n".
    static func lines(_ text: String) -> [String] {
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return parts.enumerated().map { $0.offset < parts.count - 1 ? $0.element + "\n" : $0.element }
            .filter { !$0.isEmpty }
    }
}
