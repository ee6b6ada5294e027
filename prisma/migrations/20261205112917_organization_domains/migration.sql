-- CreateTable
CREATE TABLE "OrganizationDomain" (
    "domain" TEXT NOT NULL,
    "orgId" UUID NOT NULL,

    CONSTRAINT "OrganizationDomain_pkey" PRIMARY KEY ("domain")
);

-- CreateIndex
CREATE INDEX "OrganizationDomain_orgId_idx" ON "OrganizationDomain"("orgId");

-- AddForeignKey
ALTER TABLE "OrganizationDomain" ADD CONSTRAINT "OrganizationDomain_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
