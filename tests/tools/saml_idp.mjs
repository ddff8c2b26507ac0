#!/usr/bin/env node
// SPDX-License-Identifier: EUPL-1.2
// saml_idp.mjs CONFIG_JSON
// A SAML 2.0 identity provider for the integration tests on 127.0.0.1 (a free
// port), signing with npm xml-crypto and encrypting with npm xml-encryption.
// CONFIG_JSON: {"sp_metadata": URL of the service provider's metadata,
//               "users": {"<login>": {"email", "acr"?}}}
// GET /metadata   the IdP's metadata (entity id: that URL; HTTP-Redirect SSO)
// GET /sso?SAMLRequest&RelayState&SigAlg&Signature[&test parameters]
//   checks the request's signature with the SP's signing certificate from its
//   metadata (400 when wrong or missing), then answers as a real IdP does after
//   its login: a page with a form that posts SAMLResponse and RelayState to the
//   request's AssertionConsumerServiceURL. Test parameters, after the signed
//   ones: user=<login> (default: the first), encrypt=1 (to the SP's encryption
//   certificate, AES-256-GCM; enc=cbc for AES-256-CBC), audience=<entity id>,
//   expired=1 (validity ended 10 minutes ago), sign=assertion|response|none,
//   acr=<AuthnContextClassRef>.
// Prints "saml_idp: listening on http://127.0.0.1:PORT" once ready; runs until
// SIGTERM. Exit 2 on a usage or setup error.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = process.env.RATHAUS_TOOLS_DIR || path.join(os.homedir(), '.cache/rathaus-tools');

if (process.argv.length !== 3) {
  console.error('usage: saml_idp.mjs CONFIG_JSON');
  process.exit(2);
}
const config = JSON.parse(process.argv[2]);
try {
  execFileSync(path.join(here, 'setup'), ['node'], { stdio: ['ignore', 'inherit', 'inherit'] });
} catch {
  console.error(`saml_idp.mjs: setup failed; run ${path.join(here, 'setup')}`);
  process.exit(2);
}
const require = createRequire(path.join(cache, 'node_modules', 'noop.js'));
const { SignedXml } = require('xml-crypto');
const xmlenc = require('xml-encryption');

// The IdP's own key and certificate, made for this run.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saml-idp-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
  '-subj', '/CN=saml-idp-test', '-keyout', path.join(dir, 'key.pem'),
  '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
const KEY = fs.readFileSync(path.join(dir, 'key.pem'), 'utf8');
const CERT = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
fs.rmSync(dir, { recursive: true });
const certBody = (pem) => pem.replace(/-----[^-]+-----|\s/g, '');

const SIG_ALGS = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'sha256',
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': 'sha1',
};
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const id = () => '_' + crypto.randomBytes(16).toString('hex');

async function spMetadata() {
  const r = await fetch(config.sp_metadata);
  if (!r.ok) throw new Error(`SP metadata: ${r.status}`);
  const xml = await r.text();
  const cert = (use) => {
    const m = xml.match(new RegExp(`<md:KeyDescriptor use="${use}">[\\s\\S]*?` +
      '<ds:X509Certificate>([^<]+)</ds:X509Certificate>'));
    return m && `-----BEGIN CERTIFICATE-----\n${m[1].match(/.{1,64}/g).join('\n')}\n` +
      '-----END CERTIFICATE-----\n';
  };
  return { signing: cert('signing'), encryption: cert('encryption'),
    entityId: xml.match(/entityID="([^"]+)"/)[1] };
}

// SAML Bindings 3.4.4.1: the signature covers the raw parameters in this order.
function requestSignatureOk(rawQuery, cert) {
  const raw = Object.fromEntries(rawQuery.split('&').map((p) => {
    const i = p.indexOf('=');
    return [p.slice(0, i), p.slice(i + 1)];
  }));
  const alg = SIG_ALGS[decodeURIComponent(raw.SigAlg || '')];
  if (!alg || !raw.Signature || !cert) return false;
  const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((k) => k in raw)
    .map((k) => `${k}=${raw[k]}`).join('&');
  return crypto.verify(alg, Buffer.from(signed), crypto.createPublicKey(cert),
    Buffer.from(decodeURIComponent(raw.Signature), 'base64'));
}

function sign(xml, element) {
  const sig = new SignedXml({
    privateKey: KEY, publicCert: CERT,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: `//*[local-name(.)='${element}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, { prefix: 'ds', location: {
    reference: `//*[local-name(.)='${element}']/*[local-name(.)='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}

function encrypt(xml, cert, mode) {
  return new Promise((resolve, reject) => xmlenc.encrypt(xml, {
    rsa_pub: crypto.createPublicKey(cert).export({ type: 'spki', format: 'pem' }),
    pem: cert,
    encryptionAlgorithm: mode === 'cbc' ? 'http://www.w3.org/2001/04/xmlenc#aes256-cbc'
      : 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
    keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
    // CBC is still what many IdPs send; the library calls it insecure and needs telling.
    disallowEncryptionWithInsecureAlgorithm: false,
    warnInsecureAlgorithm: false,
  }, (err, out) => (err ? reject(err) : resolve(out))));
}

function assertion(o) {
  const attr = (name, friendly, value) => value === undefined ? '' :
    `<saml:Attribute Name="${esc(name)}" FriendlyName="${esc(friendly)}" ` +
    'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue ' +
    `xsi:type="xs:string">${esc(value)}</saml:AttributeValue></saml:Attribute>`;
  return '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    `ID="${id()}" Version="2.0" IssueInstant="${iso(o.now)}">` +
    `<saml:Issuer>${esc(o.issuer)}</saml:Issuer>` +
    '<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">' +
    `${esc(o.subject)}</saml:NameID><saml:SubjectConfirmation ` +
    'Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData ' +
    `InResponseTo="${esc(o.inResponseTo)}" Recipient="${esc(o.acs)}" ` +
    `NotOnOrAfter="${iso(o.end)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(o.start)}" NotOnOrAfter="${iso(o.end)}">` +
    `<saml:AudienceRestriction><saml:Audience>${esc(o.audience)}</saml:Audience>` +
    '</saml:AudienceRestriction></saml:Conditions>' +
    `<saml:AuthnStatement AuthnInstant="${iso(o.now)}" SessionIndex="${id()}">` +
    '<saml:AuthnContext><saml:AuthnContextClassRef>' +
    `${esc(o.acr)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    '<saml:AttributeStatement>' +
    attr('urn:oid:0.9.2342.19200300.100.1.3', 'mail', o.email) +
    attr('urn:oid:1.3.6.1.4.1.25484.494450.3', 'bPK2', o.bpk2) +
    '</saml:AttributeStatement></saml:Assertion>';
}

async function sso(req, res, url, issuer) {
  const q = url.searchParams;
  const sp = await spMetadata();
  if (!requestSignatureOk(url.search.slice(1), sp.signing)) {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end('saml_idp: the AuthnRequest is not signed by the SP\n');
    return;
  }
  const request = zlib.inflateRawSync(Buffer.from(q.get('SAMLRequest'), 'base64')).toString();
  const requestId = request.match(/\sID="([^"]+)"/)[1];
  const acs = request.match(/AssertionConsumerServiceURL="([^"]+)"/)[1].replace(/&amp;/g, '&');
  const login = q.get('user') || Object.keys(config.users)[0];
  const user = config.users[login];
  const now = Date.now() - (q.get('expired') ? 20 * 60000 : 0);
  const signWhat = q.get('sign') || 'assertion';
  let body = assertion({
    now, start: now - 60000, end: now + 10 * 60000, issuer, subject: `sub-${login}`,
    inResponseTo: requestId, acs, audience: q.get('audience') || sp.entityId,
    acr: q.get('acr') || user.acr || 'http://eidas.europa.eu/LoA/substantial',
    email: user.email, bpk2: user.bpk2,
  });
  if (signWhat === 'assertion') body = sign(body, 'Assertion');
  if (q.get('encrypt')) {
    body = '<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">' +
      `${await encrypt(body, sp.encryption, q.get('enc'))}</saml:EncryptedAssertion>`;
  }
  let response = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' +
    'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
    `ID="${id()}" Version="2.0" IssueInstant="${iso(now)}" Destination="${esc(acs)}" ` +
    `InResponseTo="${esc(requestId)}"><saml:Issuer>${esc(issuer)}</saml:Issuer>` +
    '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>' +
    `</samlp:Status>${body}</samlp:Response>`;
  if (signWhat === 'response') response = sign(response, 'Response');
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!DOCTYPE html><html><body><form method="post" action="' + esc(acs) + '">' +
    '<input type="hidden" name="SAMLResponse" value="' +
    Buffer.from(response).toString('base64') + '">' +
    '<input type="hidden" name="RelayState" value="' + esc(q.get('RelayState') || '') + '">' +
    '<button>Weiter</button></form></body></html>');
}

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const issuer = `${base}/metadata`;
server.on('request', (req, res) => {
  const url = new URL(req.url, base);
  if (url.pathname === '/metadata') {
    res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml' });
    res.end('<?xml version="1.0"?>\n<md:EntityDescriptor ' +
      'xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ' +
      `xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${issuer}">` +
      '<md:IDPSSODescriptor WantAuthnRequestsSigned="true" ' +
      'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
      '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>' +
      `${certBody(CERT)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
      '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" ' +
      `Location="${base}/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>\n`);
  } else if (url.pathname === '/sso' && url.searchParams.get('SAMLRequest')) {
    sso(req, res, url, issuer).catch((err) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`saml_idp: ${err.message}\n`);
    });
  } else {
    res.writeHead(404);
    res.end();
  }
});
console.log(`saml_idp: listening on ${base}`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
