-- Inventory helpers for the shop module.
local M = {}

local function load_items(path)
  local f, err = io.open(path, "r")
  if not f then
    return nil, err
  end
  local text = f:read("*a")
  f:close()
  return text
end

function M.total(items)
  local sum = 0
  for i = 1, #items do
    sum = sum + items[i].price
  end
  return sum
end

function M.add(items, item)
  local count = #items + 1
  items[count] = item
  return count
end

function M.find(items, id)
  for _, item in ipairs(items) do
    if item.id == id then
      return item
    end
  end
  return nil
end

function M.save(path, items, write)
  local ok, err = pcall(write, path, items)
  if not ok then
    return nil, err
  end
  return true
end

function M.label(item)
  return item.name or "unknown"
end

function M.read(path)
  return load_items(path)
end

return M
