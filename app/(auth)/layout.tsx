export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="from-brand-50 flex min-h-screen items-center justify-center bg-gradient-to-b to-slate-50 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <p className="text-brand-900 text-2xl font-semibold tracking-tight">Casebridge</p>
          <p className="mt-1 text-sm text-slate-600">Joint investigations, one shared record.</p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">{children}</div>
      </div>
    </main>
  );
}
