"""One seminar as one archive (`seminar archive export` / `import`), to move it to another installation.

A zip of `manifest.json`, `seminar.json` (one document following the published schema,
`seminar/archive/schema.json`, served at /archive-schema.json) and `files/<sha256>`, every file
the seminar's rows name. See docs/operations.md, "Moving one seminar to another installation".
"""
