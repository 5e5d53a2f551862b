'use strict';

const fs = require('fs');

const DEFAULTS = Object.freeze({ retries: 3 });

function loadSettings(path) {
  const text = fs.readFileSync(path, 'utf8');
  return { ...DEFAULTS, ...JSON.parse(text) };
}

function isAdmin(user) {
  return user.role === 'admin';
}

function priceOf(item) {
  return Number.isNaN(item.price) ? 0 : item.price;
}

function describe(kind) {
  switch (kind) {
    case 'a':
      return 'alpha';
    case 'b':
      return 'beta';
    default:
      return 'other';
  }
}

function merge(target, source) {
  return { ...target, color: source.color };
}

async function save(path, data) {
  try {
    await fs.promises.writeFile(path, data);
    return true;
  } catch (err) {
    console.error(`cannot save ${path}: ${err.message}`);
    return false;
  }
}

function countItems(items) {
  return items.filter((item) => item != null).length;
}

function checksum(text) {
  return Number.parseInt(text, 16);
}

module.exports = { loadSettings, isAdmin, priceOf, describe, merge, save, countItems, checksum };
