using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;

namespace Shop.Catalog
{
    public class ProductService
    {
        private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();

        public string Title(object item)
        {
            var product = item as Product;
            return product.Name; // missed: as-cast result dereferenced (oc-csharp:as-result-dereferenced is off by default: 2 of 7 on held-out code)
        }

        public int Count
        {
            get { return Count; } // expect: oc-csharp:recursive-property
        }

        public string Header(string path)
        {
            var reader = new StreamReader(path); // expect: oc-csharp:undisposed-reader
            return reader.ReadLine();
        }

        public void Reload(string path)
        {
            try
            {
                Header(path);
            }
            catch (IOException) // missed: empty catch of one named exception (reported for catch-alls only: targeted ignores were deliberate on real code)
            {
            }
        }

        public async void Refresh() // expect: oc-csharp:async-void
        {
            await Task.Delay(10);
        }

        public bool Same(int a)
        {
            return a == a; // expect: oc-csharp:self-comparison
        }

        public void Save(string path)
        {
            try
            {
                File.WriteAllText(path, "");
            }
            catch (IOException ex)
            {
                throw ex; // expect: oc-csharp:rethrow-loses-stack
            }
        }

        public decimal Price(string sku)
        {
            if (_prices.ContainsKey(sku) || _prices.ContainsKey(sku)) // expect: oc-csharp:identical-operands
            {
                return _prices[sku];
            }
            return 0m;
        }
    }

    public class Product
    {
        public string Name { get; set; } = "";
    }
}
