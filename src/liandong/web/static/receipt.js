// Verify a ledger receipt (回执) in the browser with WebCrypto only, mirroring
// liandong/ledger/receipt.py `check_receipt` step by step:
//   the document's fields → the checkpoint note (C2SP signed note) → the log's Ed25519 signature →
//   each listed witness's cosignature/v1 → the RFC 9162 inclusion proof of the leaf up to the
//   checkpoint's root (leaf hash SHA-256(0x00 ‖ data), node hash SHA-256(0x01 ‖ left ‖ right)).
// Keys named in the receipt prove self-consistency; comparing them with the published keys is left
// to `liandong ledger check-receipt --log-key …`.
(function () {
  "use strict";

  var button = document.getElementById("verify-receipt");
  var out = document.getElementById("verify-result");
  var words = JSON.parse((document.getElementById("verify-text") || {}).textContent || "{}");
  if (!button || !out) return;

  var FIELDS = ["version", "origin", "index", "leaf", "proof", "checkpoint", "log_key", "witness_keys"];
  var NOTE_KEY = 0x01;       // signed-note Ed25519 (log) key type
  var COSIGNATURE_KEY = 0x04; // cosignature/v1 witness key type
  var DIGEST = 32;
  var CONTROL = /[\x00-\x09\x0b-\x1f]/;
  var MAX_TIMESTAMP = (1n << 63n) - 1n;
  var utf8 = new TextEncoder();

  // A refusal that names what to show: the text key and its parameters.
  function Failure(key, params) { this.key = key; this.params = params || {}; }
  function fail(key, params) { throw new Failure(key, params); }
  function malformed(field) { fail("v_malformed", { field: field }); }

  function say(key, params, ok) {
    var text = words[key] || key;
    Object.keys(params || {}).forEach(function (name) { text = text.split("{" + name + "}").join(params[name]); });
    out.textContent = text;
    out.className = ok === true ? "verify-ok" : ok === false ? "error" : "";
  }

  // Standard base64, refusing any spelling but the canonical one (as receipt.py's _decode).
  function unb64(text, field) {
    if (typeof text !== "string") malformed(field);
    var raw;
    try { raw = atob(text); } catch (e) { malformed(field); }
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    if (btoa(raw) !== text) malformed(field);
    return bytes;
  }

  function concat() {
    var parts = Array.prototype.slice.call(arguments);
    var size = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(size);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }
  function nodeHash(left, right) { return sha256(concat(Uint8Array.of(1), left, right)); }

  function checkName(name) {
    return typeof name === "string" && name.length > 0 && name.indexOf("+") < 0 && !/\s/.test(name) &&
      !CONTROL.test(name);
  }

  // A verifier key "<name>+<hex key id>+<base64(type ‖ public key)>" (note.py Verifier.from_vkey).
  async function parseVkey(vkey, field, cosigner) {
    if (typeof vkey !== "string") malformed(field);
    var first = vkey.indexOf("+");
    var second = first < 0 ? -1 : vkey.indexOf("+", first + 1);
    if (second < 0) malformed(field);
    var name = vkey.slice(0, first);
    var id = vkey.slice(first + 1, second);
    var raw = unb64(vkey.slice(second + 1), field);
    if (!checkName(name) || !/^[0-9a-f]{8}$/.test(id) || raw.length < 2) malformed(field);
    var type = raw[0];
    if (type !== NOTE_KEY && type !== COSIGNATURE_KEY) malformed(field);
    if ((type === COSIGNATURE_KEY) !== cosigner) malformed(field);
    var publicKey = raw.slice(1);
    if (publicKey.length !== 32) malformed(field);  // Ed25519, the only suite a browser can check
    var keyId = (await sha256(concat(utf8.encode(name + "\n"), Uint8Array.of(type), publicKey))).slice(0, 4);
    if (hex(keyId) !== id) malformed(field);
    return { name: name, type: type, publicKey: publicKey, keyId: keyId };
  }

  // A C2SP signed note: text (ending in a newline), a blank line, "— <name> base64(key id ‖ sig)" lines.
  function parseNote(data) {
    if (typeof data !== "string" || CONTROL.test(data)) malformed("checkpoint");
    var split = data.lastIndexOf("\n\n");
    if (split < 0) malformed("checkpoint");
    var text = data.slice(0, split + 1);
    var block = data.slice(split + 2);
    if (!block || block[block.length - 1] !== "\n") malformed("checkpoint");
    var seen = {};
    var signatures = block.slice(0, -1).split("\n").map(function (line) {
      if (line.indexOf("\u2014 ") !== 0) malformed("checkpoint");
      var parts = line.slice(2).split(" ");
      if (parts.length !== 2 || !checkName(parts[0])) malformed("checkpoint");
      var raw = unb64(parts[1], "checkpoint");
      if (raw.length < 5) malformed("checkpoint");
      var key = parts[0] + " " + hex(raw.slice(0, 4));
      if (seen[key]) malformed("checkpoint");
      seen[key] = true;
      return { name: parts[0], keyId: raw.slice(0, 4), data: raw.slice(4) };
    });
    return { text: text, signatures: signatures };
  }

  // A checkpoint body: origin, size, base64 root, then optional extension lines (note.py Checkpoint.parse).
  function parseCheckpoint(text) {
    if (text[text.length - 1] !== "\n") malformed("checkpoint");
    var lines = text.slice(0, -1).split("\n");
    if (lines.length < 3 || !lines[0]) malformed("checkpoint");
    if (!/^(0|[1-9][0-9]*)$/.test(lines[1]) || lines[1].length > 19) malformed("checkpoint");
    var root = unb64(lines[2], "checkpoint");
    if (root.length !== DIGEST) malformed("checkpoint");
    return { origin: lines[0], size: BigInt(lines[1]), root: root };
  }

  async function ed25519(publicKey, signature, message) {
    var key;
    try {
      key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      if (e && e.name === "NotSupportedError") fail("v_unsupported");
      return false;
    }
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  }

  // RFC 9162 §2.1.3.2 (merkle.py verify_inclusion), with BigInt so no 32-bit bit operations truncate.
  async function verifyInclusion(leafHash, index, size, proof, root) {
    if (!(index >= 0n && index < size)) return false;
    var fn = index;
    var sn = size - 1n;
    var r = leafHash;
    for (var i = 0; i < proof.length; i++) {
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(proof[i], r);
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        r = await nodeHash(r, proof[i]);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && equal(r, root);
  }

  async function check(text) {
    var doc;
    try { doc = JSON.parse(text); } catch (e) { malformed("(document)"); }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) malformed("(document)");
    if (doc.version !== 1 && doc.version !== 2) malformed("version");
    var fields = doc.version === 2 ? FIELDS.concat(["salt"]) : FIELDS;  // 2: the case's salt too
    fields.forEach(function (name) { if (!(name in doc)) malformed(name); });
    Object.keys(doc).forEach(function (name) { if (fields.indexOf(name) < 0) malformed(name); });
    if (doc.version === 2 && unb64(doc.salt, "salt").length !== 32) malformed("salt");
    if (!Number.isSafeInteger(doc.index) || doc.index < 0) malformed("index");
    if (typeof doc.origin !== "string") malformed("origin");
    var leaf = unb64(doc.leaf, "leaf");
    if (!Array.isArray(doc.proof)) malformed("proof");
    var proof = doc.proof.map(function (item) { return unb64(item, "proof"); });
    if (proof.some(function (node) { return node.length !== DIGEST; })) malformed("proof");
    var note = parseNote(doc.checkpoint);
    var checkpoint = parseCheckpoint(note.text);
    var log = await parseVkey(doc.log_key, "log_key", false);
    if (!Array.isArray(doc.witness_keys)) malformed("witness_keys");
    var witnesses = [];
    for (var w = 0; w < doc.witness_keys.length; w++) {
      witnesses.push(await parseVkey(doc.witness_keys[w], "witness_keys", true));
    }

    if (doc.origin !== checkpoint.origin) fail("v_origin");
    var message = utf8.encode(note.text);
    var mine = note.signatures.filter(function (s) { return s.name === log.name && equal(s.keyId, log.keyId); });
    if (!mine.length) fail("v_log_signature");
    for (var m = 0; m < mine.length; m++) {
      if (!(await ed25519(log.publicKey, mine[m].data, message))) fail("v_log_signature");
    }
    var signers = [log.name];
    var done = {};
    for (var k = 0; k < witnesses.length; k++) {
      var witness = witnesses[k];
      var id = witness.name + " " + hex(witness.publicKey);
      if (done[id]) continue;
      done[id] = true;
      var cosig = note.signatures.filter(function (s) {
        return s.name === witness.name && equal(s.keyId, witness.keyId);
      })[0];
      if (!cosig || cosig.data.length < 8) fail("v_witness", { name: witness.name });
      var time = new DataView(cosig.data.buffer, cosig.data.byteOffset, 8).getBigUint64(0);
      if (time > MAX_TIMESTAMP) fail("v_witness", { name: witness.name });
      var signed = concat(utf8.encode("cosignature/v1\ntime " + time.toString() + "\n"), message);
      if (!(await ed25519(witness.publicKey, cosig.data.slice(8), signed))) {
        fail("v_witness", { name: witness.name });
      }
      signers.push(witness.name);
    }
    var index = BigInt(doc.index);
    if (index >= checkpoint.size) fail("v_index");
    var leafHash = await sha256(concat(Uint8Array.of(0), leaf));
    if (!(await verifyInclusion(leafHash, index, checkpoint.size, proof, checkpoint.root))) fail("v_proof");
    return { position: doc.index + 1, size: checkpoint.size.toString(), signers: signers.join(", ") };
  }

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  async function fetchReceipt() {
    for (var attempt = 0; ; attempt++) {
      var response = await fetch(button.dataset.url, { headers: { Accept: "application/json" },
                                                        credentials: "same-origin", cache: "no-store" });
      if (response.ok) return response.text();
      var answer = {};
      try { answer = await response.json(); } catch (e) { answer = { message: String(response.status) }; }
      var later = answer.code === "ledger.not_yet_checkpointed" || answer.code === "ledger.no_checkpoint";
      if (!later) fail("v_fetch", { message: answer.message || response.status });
      if (attempt >= 4) fail("receipt_not_yet");
      say("receipt_not_yet");
      await wait(1500);
    }
  }

  button.hidden = false;
  button.addEventListener("click", async function () {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    say("v_checking");
    try {
      if (!window.crypto || !crypto.subtle) fail("v_unsupported");
      var verdict = await check(await fetchReceipt());
      say("v_ok", verdict, true);
    } catch (e) {
      if (e instanceof Failure) say(e.key, e.params, false);
      else say("v_fetch", { message: e && e.message ? e.message : String(e) }, false);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
})();
