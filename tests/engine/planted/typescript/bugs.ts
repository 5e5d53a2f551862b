import { readFile, writeFile } from 'fs/promises';

interface Account {
  id: string;
  balance: number;
  owner?: string;
}

export async function persist(account: Account): Promise<void> {
  await writeFile(`/tmp/${account.id}.json`, JSON.stringify(account));
}

export function close(account: Account): void {
  persist(account); // expect: oc-typescript:floating-async-call
}

export async function load(id: string): Promise<Account> {
  const text = readFile(`/tmp/${id}.json`, 'utf8'); // expect: oc-typescript:unawaited-fs-promise
  return JSON.parse(text as unknown as string);
}

export function transfer(from: Account, to: Account, amount: number): void {
  const fee: any = 0.5; // missed: explicit any (no-explicit-any is below the bar on libraries, off by default)
  from.balance -= amount + fee;
  to.balance += amount;
}

export function ownerName(account: Account): string {
  return account.owner!.toUpperCase(); // missed: non-null assertion on an optional field
}

export function isEmpty(account: Account): boolean {
  if (account.balance = 0) { // expect: oxlint:no-cond-assign
    return true;
  }
  return false;
}

export function sameAccount(a: Account, b: Account): boolean {
  return a.id === a.id; // expect: oxlint:no-self-compare
}

export function audit(accounts: Account[]): number {
  let flagged = 0;
  const limit = 10000; // expect: oxlint:no-unused-vars
  accounts.forEach(async (account) => { // expect: oc-typescript:async-foreach-callback
    await persist(account);
    flagged++;
  });
  return flagged;
}

export function describe(account: Account): string {
  switch (account.id[0]) {
    case 'a': // expect: oxlint:no-duplicate-case
      return 'archived';
    case 'a':
      return 'active';
    default:
      return 'other';
  }
}
