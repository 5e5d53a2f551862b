<?php

namespace App\Billing;

class InvoiceRepository
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
            $sum += $line['amount'];
        }
        return $sum;
        $this->log('total computed'); // missed: unreachable code after return
    }

    public function label(array $invoice): string
    {
        if ($invoice['paid']) {
            $status = 'paid';
        }
        return $staus; // missed: undefined variable
    }

    public function find(string $id): array
    {
        $rows = $this->db->query("SELECT * FROM invoices WHERE id = '" . $id . "'"); // expect: oc-php:sql-concatenation
        return $rows->fetchAll();
    }

    public function isOpen(string $state): bool
    {
        return in_array($state, ['open', 'draft']); // expect: oc-php:in-array-not-strict
    }

    public function load(string $path): string
    {
        try {
            return file_get_contents($path);
        } catch (\Exception $e) {} // expect: oc-php:empty-catch
        return '';
    }

    public function same(int $a): bool
    {
        return $a == $a; // missed: self-comparison
    }

    public function discount(int $level): int
    {
        if ($level = 3) { // expect: oc-php:assignment-in-condition
            return 15;
        }
        return 0;
    }

    public function count(array $items): int
    {
        $n = 0;
        for ($i = 0; $i < count($items); $i++) {
            $n++;
        }
        return $n + $undefinedOffset; // missed: undefined variable
    }

    private function log(string $message): void
    {
        error_log($message);
    }
}
