import Foundation
import TxLanguage

/// Shows a figure in the terminal: as an inline image on terminals that speak
/// the kitty or iTerm2 graphics protocols, elsewhere as a small Unicode
/// braille picture in 24-bit colour (as Julia's UnicodePlots draws). Never
/// when output is not a terminal; `TX_PREVIEW=0` turns it off.
public enum ImagePreview {
    public enum Mode: Equatable { case none, kitty, iterm, braille }

    /// The mode for this terminal, from the environment.
    public static func mode(environment: [String: String] = ProcessInfo.processInfo.environment,
                            isTerminal: Bool = isatty(1) != 0) -> Mode {
        if environment["TX_PREVIEW"] == "0" || !isTerminal { return .none }
        let term = environment["TERM"] ?? ""
        if term == "xterm-kitty" || term == "xterm-ghostty" || environment["KITTY_WINDOW_ID"] != nil { return .kitty }
        let program = environment["TERM_PROGRAM"] ?? ""
        if program == "iTerm.app" || program == "WezTerm" || environment["LC_TERMINAL"] == "iTerm2" { return .iterm }
        if term == "dumb" { return .none }
        return .braille
    }

    /// The text that draws `image` in `mode` (empty for `.none` or on failure).
    public static func render(_ image: ImageValue, mode: Mode, columns: Int = 64, rows: Int = 20) -> String {
        switch mode {
        case .none: return ""
        case .kitty:
            guard let png = try? image.pngBytes() else { return "" }
            return kitty(png)
        case .iterm:
            guard let png = try? image.pngBytes() else { return "" }
            let data = Data(png)
            return "\u{1b}]1337;File=inline=1;size=\(data.count);preserveAspectRatio=1:\(data.base64EncodedString())\u{07}\n"
        case .braille:
            let width = columns * 2, height = rows * 4
            guard let pixels = try? image.rgbaPixels(width: width * 4, height: height * 4) else { return "" }
            return braille(pixels, width: width * 4, height: height * 4, columns: columns, rows: rows)
        }
    }

    /// kitty's graphics protocol: base64 PNG in chunks of at most 4096 bytes.
    static func kitty(_ png: [UInt8]) -> String {
        let encoded = Array(Data(png).base64EncodedString().utf8)
        var out = ""
        var start = 0
        while start < encoded.count {
            let end = min(start + 4096, encoded.count)
            let chunk = String(decoding: encoded[start..<end], as: UTF8.self)
            let more = end < encoded.count ? 1 : 0
            out += start == 0 ? "\u{1b}_Ga=T,f=100,m=\(more);\(chunk)\u{1b}\\" : "\u{1b}_Gm=\(more);\(chunk)\u{1b}\\"
            start = end
        }
        return out + "\n"
    }

    /// Braille cells of 2×4 dots: a dot is set where the block of pixels it
    /// covers holds ink (anything clearly darker or more colourful than the
    /// white background); a cell takes the mean colour of its ink.
    static func braille(_ rgba: [UInt8], width: Int, height: Int, columns: Int, rows: Int) -> String {
        let blockW = width / (columns * 2), blockH = height / (rows * 4)
        guard blockW > 0, blockH > 0, rgba.count >= width * height * 4 else { return "" }
        // Dot bit for (x, y) inside a cell, as Unicode numbers the braille dots.
        let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        var out = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                var mask: UInt32 = 0
                var r = 0, g = 0, b = 0, inked = 0
                for dx in 0..<2 {
                    for dy in 0..<4 {
                        let x0 = (column * 2 + dx) * blockW, y0 = (row * 4 + dy) * blockH
                        var ink = false
                        for y in y0..<(y0 + blockH) {
                            for x in x0..<(x0 + blockW) {
                                let i = (y * width + x) * 4
                                let pr = Int(rgba[i]), pg = Int(rgba[i + 1]), pb = Int(rgba[i + 2])
                                let lightness = (pr + pg + pb) / 3
                                let chroma = max(pr, pg, pb) - min(pr, pg, pb)
                                if lightness < 200 || chroma > 60 {
                                    ink = true
                                    r += pr; g += pg; b += pb; inked += 1
                                }
                            }
                        }
                        if ink { mask |= bits[dx][dy] }
                    }
                }
                if mask == 0 {
                    line += " "
                } else {
                    let scalar = Unicode.Scalar(0x2800 + mask)!  // within the braille block
                    line += "\u{1b}[38;2;\(r / inked);\(g / inked);\(b / inked)m" + String(Character(scalar))
                }
            }
            out += line.replacingOccurrences(of: " +$", with: "", options: .regularExpression) + "\u{1b}[0m\n"
        }
        return out
    }
}
