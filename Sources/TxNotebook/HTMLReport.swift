import Foundation
import Ink
import TxLanguage

/// Writes a notebook run as one self-contained HTML page: prose rendered
/// from Markdown, code, printed output, value displays, errors, and
/// pictures embedded as PNG data URLs.
public enum HTMLReport {
    public static func render(_ run: NotebookRun, title: String) -> String {
        let markdown = MarkdownParser()
        var body = ""
        for (cell, output) in zip(run.cells, run.outputs) {
            switch cell.kind {
            case .markdown:
                body += "<section class=\"prose\">\n\(markdown.html(from: cell.source))\n</section>\n"
            case .code:
                guard let output else { continue }
                body += "<section class=\"cell\">\n"
                if let t = cell.title { body += "<h3 class=\"cell-title\">\(escape(t))</h3>\n" }
                body += "<div class=\"in\"><span class=\"prompt\">In [\(output.executionCount)]:</span>"
                body += "<pre class=\"code\">\(escape(cell.source))</pre></div>\n"
                if !output.printed.isEmpty { body += "<pre class=\"stdout\">\(escape(output.printed))</pre>\n" }
                if let image = output.image {
                    body += "<img alt=\"figure\" src=\"data:image/png;base64,\(Data(image).base64EncodedString())\">\n"
                } else if let result = output.result {
                    body += "<div class=\"out\"><span class=\"prompt\">Out[\(output.executionCount)]:</span>"
                    body += "<pre class=\"result\">\(escape(result))</pre></div>\n"
                }
                if let error = output.error { body += "<pre class=\"error\">\(escape(error))</pre>\n" }
                body += "</section>\n"
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="generator" content="tx \(txVersion)">
            <title>\(escape(title))</title>
            <style>
            body { font: 16px/1.5 system-ui, sans-serif; max-width: 56rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
            pre { font: 14px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; padding: .6rem .8rem; margin: .3rem 0; overflow-x: auto; white-space: pre-wrap; }
            .cell { margin: 1.2rem 0; }
            .code { background: #f5f5f7; border-left: 3px solid #4c72b0; }
            .stdout { background: #fff; border-left: 3px solid #ccc; }
            .result { background: #fff; border-left: 3px solid #55a868; }
            .error { background: #fff0f0; border-left: 3px solid #c44e52; color: #8b1a1a; }
            .prompt { font: 12px ui-monospace, monospace; color: #888; }
            img { max-width: 100%; }
            </style>
            </head>
            <body>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
