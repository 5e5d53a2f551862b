'use strict';

const fs = require('fs');

function loadSettings(path) {
  const text = fs.readFileSync(path, 'utf8');
  const settings = JSON.parse(text);
  const unusedDefaults = { retries: 3 }; // expect: oxlint:no-unused-vars
  return settings;
}

function isAdmin(user) {
  if (user.role = 'admin') { // expect: oxlint:no-cond-assign
    return true;
  }
  return false;
}

function priceOf(item) {
  if (item.price === NaN) { // expect: oxlint:use-isnan
    return 0;
  }
  return item.price;
}

function describe(kind) {
  switch (kind) {
    case 'a': // expect: oxlint:no-duplicate-case
      return 'alpha';
    case 'a':
      return 'again';
    default:
      return 'other';
  }
}

function merge(target, source) {
  return { ...target, color: source.color, color: 'red' }; // expect: oxlint:no-dupe-keys
}

async function save(path, data) {
  try {
    await fs.promises.writeFile(path, data);
  } catch (err) {} // missed: empty catch (no-empty allows catch blocks: mostly deliberate in browser code)
}

function countItems(items) {
  let count = 0;
  for (let i = 0; i < items.length; i--) { // expect: oxlint:for-direction
    count++;
  }
  return count;
}

function sameUser(a, b) {
  return a.id === a.id; // expect: oxlint:no-self-compare
}

function checksum(text) {
  return eval('0x' + text); // expect: oxlint:no-eval
}

module.exports = { loadSettings, isAdmin, priceOf, describe, merge, save, countItems, sameUser, checksum };
