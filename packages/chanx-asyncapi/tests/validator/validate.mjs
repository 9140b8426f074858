// Validate AsyncAPI documents with the official parser; exit 1 on any error-severity finding.
//
// Usage: node validate.mjs PATH [PATH ...]
// Each PATH is a .json/.yaml/.yml file or a folder searched (recursively) for such files.
// Warnings and hints are printed but do not fail the run; an empty run fails, so a
// misconfigured dump folder cannot pass silently.

import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const EXTENSIONS = new Set([".json", ".yaml", ".yml"]);

async function collect(target) {
  const info = await stat(target);
  if (info.isFile()) {
    return [target];
  }
  const found = [];
  for (const entry of (await readdir(target)).sort()) {
    const child = path.join(target, entry);
    const childInfo = await stat(child);
    if (childInfo.isDirectory()) {
      found.push(...(await collect(child)));
    } else if (EXTENSIONS.has(path.extname(entry))) {
      found.push(child);
    }
  }
  return found;
}

function where(diagnostic) {
  const at = diagnostic.path && diagnostic.path.length ? diagnostic.path.join("/") : "(root)";
  return `${at}: ${diagnostic.message} [${diagnostic.code}]`;
}

async function main(argv) {
  if (argv.length === 0) {
    console.error("usage: node validate.mjs PATH [PATH ...]");
    return 2;
  }
  const files = [];
  for (const target of argv) {
    files.push(...(await collect(target)));
  }
  if (files.length === 0) {
    console.error(`no AsyncAPI documents found in: ${argv.join(", ")}`);
    return 1;
  }
  const parser = new Parser();
  let failed = 0;
  let warnings = 0;
  for (const file of files) {
    const text = await readFile(file, "utf8");
    const { document, diagnostics } = await parser.parse(text, { source: path.resolve(file) });
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    const others = diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Error);
    warnings += others.length;
    for (const diagnostic of others) {
      console.log(`warning ${file}: ${where(diagnostic)}`);
    }
    if (errors.length > 0 || document === undefined) {
      failed += 1;
      console.error(`FAIL ${file}`);
      for (const diagnostic of errors) {
        console.error(`  error ${where(diagnostic)}`);
      }
    }
  }
  const passed = files.length - failed;
  console.log(`${passed} passed, ${failed} failed (${warnings} warnings)`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
