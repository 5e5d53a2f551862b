import { readFile, writeFile } from 'fs/promises';

interface Account {
  id: string;
  balance: number;
  owner?: string;
}

const FEE = 0.5;

export async function persist(account: Account): Promise<void> {
  await writeFile(`/tmp/${account.id}.json`, JSON.stringify(account));
}

export async function close(account: Account): Promise<void> {
  await persist(account);
}

export async function load(id: string): Promise<Account> {
  const text = await readFile(`/tmp/${id}.json`, 'utf8');
  return JSON.parse(text) as Account;
}

export function transfer(from: Account, to: Account, amount: number): void {
  from.balance -= amount + FEE;
  to.balance += amount;
}

export function ownerName(account: Account): string {
  return account.owner?.toUpperCase() ?? 'unknown';
}

export function isEmpty(account: Account): boolean {
  return account.balance === 0;
}

export async function audit(accounts: Account[]): Promise<number> {
  await Promise.all(accounts.map((account) => persist(account)));
  return accounts.length;
}

export function describe(account: Account): string {
  switch (account.id[0]) {
    case 'a':
      return 'archived';
    case 'b':
      return 'blocked';
    default:
      return 'other';
  }
}
