import Mustache

/// The Mustache template of `report.html`. Kept in the binary (not a
/// resource file) so the page is written wherever the tool is installed.
/// Only `{{ }}` is used: no value is ever inserted unescaped.
enum ReportTemplate {
    /// `page`, with the `chart` partial each chart is drawn by.
    static let library: MustacheLibrary = {
        do {
            return MustacheLibrary(templates: ["page": try MustacheTemplate(string: page), "chart": try MustacheTemplate(string: chart)])
        } catch {
            preconditionFailure("report.html's template does not parse: \(error)")
        }
    }()

    static func render(_ page: ReportPage) -> String {
        guard let html = library.render(page, withTemplate: "page") else { preconditionFailure("report.html's template is not registered") }
        return html
    }

    static let chart = """
        <figure>
        <svg xmlns="http://www.w3.org/2000/svg" width="{{width}}" height="{{frameHeight}}" viewBox="0 0 {{width}} {{frameHeight}}" role="img" aria-label="{{caption}}">
        <line class="axis" x1="0" y1="{{baseline}}" x2="{{width}}" y2="{{baseline}}"/>
        {{#bars}}<rect class="{{style}}" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{title}}</title></rect>
        {{/bars}}<text class="label" x="2" y="12">{{topLabel}}</text>
        <text class="label" x="0" y="{{frameHeight}}" dy="-4">{{startLabel}}</text>
        <text class="label end" x="{{width}}" y="{{frameHeight}}" dy="-4">{{endLabel}}</text>
        </svg>
        <figcaption>{{caption}} {{#legend}}<span class="key {{style}}">■ {{name}}</span> {{/legend}}</figcaption>
        </figure>
        """

    static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}, {{started}}</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 1100px; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
        table { border-collapse: collapse; margin: .5em 0; }
        th, td { border-bottom: 1px solid #ddd; padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
        td.number { text-align: right; }
        .dry { background: #fff4d6; border: 1px solid #e0b84c; padding: .5em 1em; }
        .aborted { background: #fde2e1; border: 1px solid #d9534f; padding: .5em 1em; }
        .irreversible { font-weight: bold; color: #a12622; }
        .unsettled { color: #a12622; }
        rect.documents, .key.documents { fill: #3b75c4; color: #3b75c4; }
        rect.throttled, .key.throttled { fill: #d9534f; color: #d9534f; }
        rect.latency, .key.latency { fill: #5a9e6f; color: #5a9e6f; }
        line.axis { stroke: #888; }
        text.label { font-size: 11px; fill: #555; } text.end { text-anchor: end; }
        figcaption { color: #555; }
        </style>
        </head>
        <body>
        <h1>{{title}}</h1>
        <p>Started {{started}}.</p>
        {{#dryRun}}<p class="dry">A dry run: every referral was read, nothing was written. The counts say what a real run would do.</p>{{/dryRun}}
        {{#abortReason}}<p class="aborted">Aborted: {{.}}. Running the same command again resumes.</p>{{/abortReason}}
        {{#irreversible}}<p class="irreversible">{{#dryRun}}A real run could not undo these{{/dryRun}}{{^dryRun}}Cannot be undone{{/dryRun}}: {{.}}.</p>{{/irreversible}}

        <h2>Outcomes</h2>
        <table id="outcomes">
        {{#counts}}<tr><th{{^settled}} class="unsettled"{{/settled}}>{{outcome}}</th><td class="number">{{count}}</td></tr>
        {{/counts}}</table>

        <h2>Key figures</h2>
        <table id="figures">
        {{#figures}}<tr><th>{{label}}</th><td>{{value}}</td></tr>
        {{/figures}}</table>

        {{#timeline}}<h2>Throughput and throttling</h2>
        {{> chart}}{{/timeline}}
        {{#latency}}<h2>Latency</h2>
        {{> chart}}{{/latency}}

        {{#dryRun}}<h2>Before → after</h2>
        {{#anyChanges}}<table id="changes">
        <tr><th>referral</th><th>lines</th><th>path</th><th>before</th><th>after</th><th>outcome</th></tr>
        {{#changes}}<tr{{#irreversible}} class="irreversible"{{/irreversible}}><td>{{referralID}}</td><td>{{lines}}</td><td>{{path}}</td><td>{{before}}</td><td>{{after}}{{#irreversible}} (cannot be undone){{/irreversible}}</td><td>{{outcome}}</td></tr>
        {{/changes}}</table>
        {{/anyChanges}}{{#changesMore}}<p>… and {{.}} more: see changes.csv.</p>{{/changesMore}}
        {{/dryRun}}

        <h2>Rows not applied</h2>
        {{^unapplied}}<p>None.</p>{{/unapplied}}
        {{#anyUnapplied}}<table id="unapplied">
        <tr><th>lines</th><th>referral</th><th>outcome</th><th>message</th></tr>
        {{#unapplied}}<tr><td>{{lines}}</td><td>{{referralID}}</td><td>{{outcome}}</td><td>{{message}}</td></tr>
        {{/unapplied}}</table>
        {{/anyUnapplied}}{{#unappliedMore}}<p>… and {{.}} more: see {{retryFile}}.</p>{{/unappliedMore}}
        {{#anyUnapplied}}<p>{{retryFile}} holds these rows as the input had them, with an Errors column: fix them and run it.</p>{{/anyUnapplied}}
        </body>
        </html>

        """
}
