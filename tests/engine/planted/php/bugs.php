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
        $this->log('total computed'); // expect: oc-php:unreachable-code
    }

    public function label(array $invoice): string
    {
        if ($invoice['paid']) {
            $status = 'paid';
        }
        return $staus; // expect: oc-php:undefined-variable
    }

    public function find(string $id): array
    {
        $rows = $this->db->query("SELECT * FROM invoices WHERE id = '" . $id . "'"); // expect: oc-php:sql-concatenation-hotspot
        return $rows->fetchAll();
    }

    public function isOpen(string $state): bool
    {
        return in_array($state, ['open', 'draft']); // missed: loose in_array (phpstan-strict-rules; off by default)
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
        return $a == $a; // expect: oc-php:self-comparison
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
        return $n + $undefinedOffset; // expect: oc-php:undefined-variable
    }

    private function log(string $message): void
    {
        error_log($message);
    }
}
