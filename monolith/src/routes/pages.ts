// Server-rendered shop pages and their form posts. Forms are answered the browser way:
// 303/302 redirects on success, an HTML error page (not JSON) when the input is refused.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { errorPage } from '../html';
import { describeIssues, parseId, sendNotFound } from '../http';
import type { Stores } from '../store';
import { homePage, loginPage, orderPage, productPage } from '../views';
import { loginBody, sessionUser, setSessionCookie } from './users';

const orderForm = z.object({
  sku: z.string().min(1).max(64),
  quantity: z
    .string()
    .regex(/^\d{1,5}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(10_000)),
});

function sendErrorPage(res: Response, status: number, title: string, message: string): void {
  res.status(status).type('html').send(errorPage(title, message));
}

export function pageRoutes(stores: Stores): Router {
  const { products, inventory, orders, users } = stores;
  const router = Router();

  router.get('/', (req, res) => {
    const { rows } = products.list({ page: 1, perPage: 20, sort: 'id' });
    res.type('html').send(homePage(rows, sessionUser(req, users)));
  });

  router.get('/products/:id', (req, res) => {
    const id = parseId(req.params.id);
    const product = id === null ? undefined : products.get(id);
    if (!product) return sendNotFound(req, res);
    res.type('html').send(productPage(product, inventory.get(product.sku), sessionUser(req, users)));
  });

  router.post('/orders', (req, res) => {
    const form = orderForm.safeParse(req.body ?? {});
    if (!form.success) return sendErrorPage(res, 400, 'Invalid order', describeIssues(form.error));
    const { sku, quantity } = form.data;
    const result = orders.place([{ sku, quantity }], sessionUser(req, users)?.id ?? null);
    if (result.ok) return res.redirect(303, `/orders/${result.order.id}`);
    if (result.error === 'unknown_sku') return sendErrorPage(res, 400, 'Invalid order', `Unknown product ${sku}.`);
    sendErrorPage(res, 409, 'Not enough stock', `Sorry, we don't have ${quantity} of ${sku} in stock.`);
  });

  router.get('/orders/:id', (req, res) => {
    const id = parseId(req.params.id);
    const order = id === null ? undefined : orders.get(id);
    if (!order) return sendNotFound(req, res);
    res.type('html').send(orderPage(order, sessionUser(req, users)));
  });

  router.get('/login', (req, res) => {
    res.type('html').send(loginPage(sessionUser(req, users)));
  });

  router.post('/login', async (req, res) => {
    const form = loginBody.safeParse(req.body ?? {});
    if (!form.success) {
      return void res.status(400).type('html').send(loginPage(undefined, 'Please enter your email and password.'));
    }
    const user = await users.checkLogin(form.data.email, form.data.password);
    if (!user) {
      return void res.status(401).type('html').send(loginPage(undefined, 'Wrong email or password.', form.data.email));
    }
    setSessionCookie(res, users, user);
    res.redirect(302, '/');
  });

  return router;
}
