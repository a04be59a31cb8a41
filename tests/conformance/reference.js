#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// reference.js: what the real jsonata (2.1.1, the version Uptime Kuma 2.x
// ships, pinned by package-lock.json) answers, in the one-line form that
// `kuma-push query` prints and the corpus records. Maintainers only: run
// `npm ci` in this folder first.
//
//   node reference.js EXPR DOCFILE
//
// prints JSON.stringify(result), `undefined`, or `ERROR <code> <message>`.
// DOCFILE is read with JSON.parse, as Kuma reads a response body: the last
// of duplicate keys wins, numbers are doubles. Exit 2 on a usage or setup
// problem (message on stderr), else 0.
'use strict';

const fs = require('fs');
const path = require('path');

const PINNED = '2.1.1';

function jsonata() {
    const version = require('jsonata/package.json').version;
    if (version !== PINNED) {
        throw new Error(`jsonata ${version} installed, ${PINNED} pinned: run "npm ci" in ${__dirname}`);
    }
    return require('jsonata');
}

function readDoc(file) {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// jsonata's functions are objects it flags, not plain JS functions; a
// result holding one is not JSON (the bare expression `$count`, say).
function isFunction(v) {
    return typeof v === 'function' ||
        (v !== null && typeof v === 'object' && (v._jsonata_function === true || v._jsonata_lambda === true));
}

// The output line, without its newline. A message never spans lines in
// practice; flattening keeps a corpus line one line if one ever does.
async function line(evaluate, expr, doc) {
    let value;
    try {
        value = await evaluate(expr).evaluate(doc);
    } catch (err) {
        const code = (err && err.code) || 'INTERNAL';
        const message = String((err && err.message) || err).replace(/[\r\n]+/g, ' ');
        return `ERROR ${code} ${message}`;
    }
    if (value === undefined) {
        return 'undefined';
    }
    let fn = false;
    const text = JSON.stringify(value, (key, member) => {
        fn = fn || isFunction(member);
        return member;
    });
    return fn ? 'ERROR FUNCTION the result holds a function, not only JSON values' : text;
}

module.exports = { jsonata, readDoc, line };

if (require.main === module) {
    const args = process.argv.slice(2);
    if (args.length !== 2) {
        process.stderr.write('usage: node reference.js EXPR DOCFILE\n');
        process.exit(2);
    }
    let evaluate;
    let doc;
    try {
        evaluate = jsonata();
        doc = readDoc(args[1]);
    } catch (err) {
        process.stderr.write(`reference.js: ${path.basename(args[1])}: ${err.message}\n`);
        process.exit(2);
    }
    line(evaluate, args[0], doc).then((out) => process.stdout.write(out + '\n'));
}
