using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;

namespace Shop.Catalog
{
    public class ProductReader
    {
        private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();
        private int _count;

        public string Title(object item)
        {
            if (item is Product product)
            {
                return product.Name;
            }
            return string.Empty;
        }

        public int Count
        {
            get { return _count; }
        }

        public string? Header(string path)
        {
            using var reader = new StreamReader(path);
            _count++;
            return reader.ReadLine();
        }

        public bool TryReload(string path)
        {
            try
            {
                return Header(path) != null;
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"cannot reload {path}: {ex.Message}");
                return false;
            }
        }

        public async Task RefreshAsync()
        {
            await Task.Delay(10);
        }

        public void Save(string path, string text)
        {
            File.WriteAllText(path, text);
        }

        public decimal Price(string sku)
        {
            return _prices.TryGetValue(sku, out var price) ? price : 0m;
        }
    }

    public class Product
    {
        public string Name { get; set; } = "";
    }
}
