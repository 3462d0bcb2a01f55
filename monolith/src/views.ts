// The monolith's server-rendered pages (home, product, order, login), as pure functions of
// the rows they show. Route handlers in routes/pages.ts fetch the rows and send the markup.
import { html, layout } from './html';
import { formatPrice } from './money';
import type { InventoryRow } from './store/inventory';
import type { Order } from './store/orders';
import type { ProductRow } from './store/products';
import type { PublicUser } from './store/users';

type Viewer = PublicUser | undefined;

export function homePage(products: readonly ProductRow[], viewer: Viewer): string {
  const rows = products.map(
    (p) => html`<li><a href="/products/${p.id}">${p.name}</a> <span class="price">${formatPrice(p.price_cents)}</span></li>`,
  );
  return layout(
    { title: 'Home', userEmail: viewer?.email },
    html`<h1>Welcome to the Legacy Shop</h1>
<ul class="products">
${rows}
</ul>
<p><a href="/login">Log in</a> to see your orders under your name.</p>`,
  );
}

export function productPage(product: ProductRow, stock: InventoryRow | undefined, viewer: Viewer): string {
  const available = stock ? stock.on_hand - stock.reserved : 0;
  const form =
    available > 0
      ? html`<form method="post" action="/orders">
<input type="hidden" name="sku" value="${product.sku}">
<label>Quantity <input type="number" name="quantity" value="1" min="1" max="${available}"></label>
<button type="submit">Order</button>
</form>`
      : html`<p class="out-of-stock">Out of stock</p>`;
  return layout(
    { title: product.name, userEmail: viewer?.email },
    html`<h1>${product.name}</h1>
<p class="sku">${product.sku} &middot; ${product.category}</p>
<p>${product.description}</p>
<p class="price">${formatPrice(product.price_cents)}</p>
<p class="stock">In stock: <span id="available">${available}</span>${stock ? html` (ships from ${stock.warehouse})` : ''}</p>
${form}`,
  );
}

export function orderPage(order: Order, viewer: Viewer): string {
  const rows = order.items.map(
    (item) => html`<tr><td>${item.sku}</td><td>${item.quantity}</td><td>${formatPrice(item.unit_price_cents)}</td></tr>`,
  );
  return layout(
    { title: `Order ${order.id}`, userEmail: viewer?.email },
    html`<h1>Order #${order.id}</h1>
<p class="status">Status: <strong>${order.status}</strong></p>
<table>
<thead><tr><th>SKU</th><th>Quantity</th><th>Unit price</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="total">Total: ${formatPrice(order.total_cents)}</p>
<p>Placed ${order.created_at} UTC</p>`,
  );
}

export function loginPage(viewer: Viewer, error?: string, email = ''): string {
  return layout(
    { title: 'Log in', userEmail: viewer?.email },
    html`<h1>Log in</h1>
${error ? html`<p class="error">${error}</p>` : ''}
<form method="post" action="/login">
<label>Email <input type="email" name="email" value="${email}" required></label>
<label>Password <input type="password" name="password" required></label>
<button type="submit">Log in</button>
</form>`,
  );
}
