import Foundation

/// The pieces of a self-contained HTML page: escaping, tables, embedded PNGs, and the page's
/// one stylesheet and one script (no file or network access, so the page can be mailed or archived).
enum HTML {
    /// `text` safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A two-column table of names and values (both escaped).
    static func table(_ rows: [(String, String)], caption: String) -> String {
        "<table class=\"pairs\"><caption>\(escape(caption))</caption>"
            + rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    /// An `<img>` of `picture`'s PNG as a data URL, `scale` times its size.
    static func image(_ picture: RunFolder.Picture, scale: Double = 1, pixelated: Bool = false) -> String {
        let style = pixelated ? " class=\"pixelated\"" : ""
        return "<img\(style) src=\"data:image/png;base64,\(Data(picture.png).base64EncodedString())\" "
            + "width=\"\(Int(Double(picture.width) * scale))\" height=\"\(Int(Double(picture.height) * scale))\" "
            + "alt=\"\(escape(picture.label))\" title=\"\(escape(picture.path))\">"
    }

    /// A figure of `picture` with its label and path under it.
    static func figure(_ picture: RunFolder.Picture, scale: Double = 1, pixelated: Bool = false) -> String {
        "<figure>\(image(picture, scale: scale, pixelated: pixelated))<figcaption>\(escape(picture.label))"
            + "<br><code>\(escape(picture.path))</code></figcaption></figure>"
    }

    /// A large view of one picture with a slider over `pictures`, above all of them as a film
    /// strip (click one to view it). Without the script the strip alone shows them all.
    static func filmStrip(_ pictures: [RunFolder.Picture], viewerScale: Double, thumbnailScale: Double, pixelated: Bool) -> String {
        guard let last = pictures.last else { return "" }
        return "<div class=\"viewer\">\(image(last, scale: viewerScale, pixelated: pixelated).replacingOccurrences(of: "<img", with: "<img id=\"viewer\""))"
            + "<div><input type=\"range\" id=\"slider\" min=\"0\" max=\"\(pictures.count - 1)\" value=\"\(pictures.count - 1)\" "
            + "aria-label=\"picture\"><p id=\"viewer-label\">\(escape(last.label))</p></div></div>"
            + "<div class=\"strip\">" + pictures.map { figure($0, scale: thumbnailScale, pixelated: pixelated) }.joined() + "</div>"
    }

    /// Problems found in reading the runs, as a list; empty when there are none.
    static func problems(_ problems: [String]) -> String {
        guard !problems.isEmpty else { return "" }
        return "<section class=\"problems\"><h2>Missing or unreadable</h2><ul>"
            + problems.map { "<li>\(escape($0))</li>" }.joined() + "</ul></section>"
    }

    /// The whole page around `body`.
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body)
        <footer>Written by wgan report, \(escape(ISO8601DateFormatter().string(from: Date()))).</footer>
        <script>\(script)</script>
        </body>
        </html>

        """
    }

    private static let style = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:#222;background:#f6f7f9;\
        margin:0 auto;padding:24px 32px;max-width:1216px}
        h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:0 0 12px}
        .subtitle{color:#555;margin:0 0 20px;word-break:break-all}
        section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px 20px;margin:0 0 20px}
        .problems{background:#fff4f2;border-color:#f0b8ae}.problems li{color:#8a1f11}
        .problem{color:#8a1f11}
        .columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:8px 32px;align-items:start}
        table{border-collapse:collapse;width:100%;font-size:14px}
        caption{text-align:left;font-weight:600;padding:0 0 6px}
        th,td{text-align:left;padding:3px 10px 3px 0;border-bottom:1px solid #eef0f2;vertical-align:top}
        th{font-weight:500;color:#555;white-space:nowrap;width:1%}td{word-break:break-word}
        table.compare th,table.compare td{padding-right:18px;width:auto}
        table.compare td.differs{background:#fff8e1}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:12px}
        svg.chart{width:100%;height:auto;display:block;border:1px solid #eef0f2;border-radius:4px}
        figure{margin:0;display:inline-block;text-align:center;vertical-align:top}
        figcaption{font-size:13px;color:#555;margin-top:4px}
        img{display:block;margin:0 auto;max-width:100%;height:auto}
        img.pixelated{image-rendering:pixelated}
        .viewer{display:flex;gap:28px;align-items:center;flex-wrap:wrap;margin-bottom:12px}.viewer img{margin:0}
        .viewer input{width:320px}
        .strip{display:flex;gap:10px;overflow-x:auto;padding:6px 2px 10px}
        .strip figure{flex:0 0 auto;cursor:pointer;padding:4px;border:2px solid transparent;border-radius:6px}
        .strip figure.current{border-color:#1f77b4}
        .samples{display:flex;gap:32px;flex-wrap:wrap}
        code{font:13px ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-all}
        footer{color:#777;font-size:13px;text-align:center}
        """

    /// The grid viewer's slider (the strip scrolls to the grid shown), and a count of images that did not load, which the browser
    /// check reads back from the page (`data-images` and `data-broken-images` on the body).
    private static let script = """
        (function(){
        var strip=Array.prototype.slice.call(document.querySelectorAll('.strip img'));
        var viewer=document.getElementById('viewer'),slider=document.getElementById('slider'),label=document.getElementById('viewer-label');
        function show(i){viewer.src=strip[i].src;label.textContent=strip[i].alt;
        strip.forEach(function(img,j){img.parentNode.classList.toggle('current',j===i);});
        var figure=strip[i].parentNode,box=figure.parentNode;
        box.scrollLeft=figure.offsetLeft-box.offsetLeft-(box.clientWidth-figure.offsetWidth)/2;}
        if(viewer&&slider&&strip.length){slider.addEventListener('input',function(){show(+slider.value);});
        strip.forEach(function(img,j){img.addEventListener('click',function(){slider.value=j;show(j);});});show(strip.length-1);}
        window.addEventListener('load',function(){var images=document.images,broken=0;
        for(var i=0;i<images.length;i++){if(!images[i].complete||images[i].naturalWidth===0)broken++;}
        document.body.setAttribute('data-images',images.length);document.body.setAttribute('data-broken-images',broken);});
        })();
        """
}
