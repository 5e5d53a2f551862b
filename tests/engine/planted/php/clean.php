<?php

namespace App\Billing;

final class InvoiceStore
{
    private \PDO $db;

    public function __construct(\PDO $db)
    {
        $this->db = $db;
    }

    public function total(array $lines): float
    {
        $sum = 0.0;
        foreach ($lines as $line) {
            $sum += (float) $line['amount'];
        }
        $this->log('total computed');
        return $sum;
    }

    public function label(array $invoice): string
    {
        $status = 'open';
        if ($invoice['paid']) {
            $status = 'paid';
        }
        return $status;
    }

    public function find(string $id): array
    {
        $statement = $this->db->prepare('SELECT * FROM invoices WHERE id = :id');
        $statement->execute(['id' => $id]);
        return $statement->fetchAll();
    }

    public function isOpen(string $state): bool
    {
        return in_array($state, ['open', 'draft'], true);
    }

    public function load(string $path): string
    {
        $text = file_get_contents($path);
        if ($text === false) {
            throw new \RuntimeException("cannot read $path");
        }
        return $text;
    }

    public function discount(int $level): int
    {
        return $level === 3 ? 15 : 0;
    }

    private function log(string $message): void
    {
        error_log($message);
    }
}
